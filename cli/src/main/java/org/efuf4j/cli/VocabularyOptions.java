package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.pipeline.AnnotationFiles;
import picocli.CommandLine.Option;

/** The object vocabulary (COCO by default, or a CHAIR synonyms file) and optional ground-truth annotation files. */
final class VocabularyOptions {
    @Option(names = "--synonyms", description = "CHAIR synonyms file (one category per line: name, synonyms...); default: the built-in COCO vocabulary")
    Path synonyms;

    @Option(names = "--annotations", description = "ground truth: COCO instances JSON, COCO captions JSON, or JSONL {image_id, objects}; repeatable."
            + " Image ids are matched to file names without extension")
    List<Path> annotations = new ArrayList<>();

    ObjectExtractor extractor() {
        return new ObjectExtractor(synonyms == null ? ObjectVocabulary.coco() : ObjectVocabulary.fromChairSynonyms(synonyms));
    }

    /** Null without annotation files. */
    GroundTruth groundTruth(ObjectExtractor extractor) {
        return annotations.isEmpty() ? null : AnnotationFiles.load(extractor, annotations.toArray(Path[]::new));
    }
}
