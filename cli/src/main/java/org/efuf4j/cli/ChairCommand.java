package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairJson;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.pipeline.AnnotationFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code efuf evaluate chair}: CHAIR of existing captions against annotations. */
@Command(name = "chair", mixinStandardHelpOptions = true,
        description = "CHAIR_s, CHAIR_i and recall of captions (JSONL or JSON array of {image_id, caption}) against annotations; per-caption details as JSON.")
final class ChairCommand implements Callable<Integer> {
    @Option(names = "--captions", required = true, description = "captions file") Path captions;
    @Option(names = "--annotations", required = true, description = "COCO instances JSON, COCO captions JSON or JSONL {image_id, objects}; repeatable") List<Path> annotations;
    @Option(names = "--synonyms", description = "CHAIR synonyms file (default: built-in COCO vocabulary)") Path synonyms;
    @Option(names = "--out", description = "JSON report (default: CAPTIONS with extension .chair.json)") Path out;
    @Option(names = "--image-id-key", defaultValue = "image_id") String idKey;
    @Option(names = "--caption-key", defaultValue = "caption") String captionKey;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        ModelFiles.existingFile(captions, "--captions");
        for (Path a : annotations) ModelFiles.existingFile(a, "--annotations");
        if (out != null) OutputFolder.checkFile(out, "--out");
        ObjectExtractor extractor = new ObjectExtractor(synonyms == null ? ObjectVocabulary.coco() : ObjectVocabulary.fromChairSynonyms(synonyms));
        GroundTruth truth = AnnotationFiles.load(extractor, annotations.toArray(Path[]::new));
        List<GeneratedCaption> list = GeneratedCaption.read(captions, idKey, captionKey);
        Map<String, Integer> repeated = GeneratedCaption.duplicates(list);
        if (!repeated.isEmpty()) {
            StringBuilder ids = new StringBuilder();
            int shown = 0;
            for (var e : repeated.entrySet()) {
                if (shown++ == 5) { ids.append(", ..."); break; }
                ids.append(shown == 1 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append("x)");
            }
            spec.commandLine().getErr().println("efuf: warning: " + repeated.size() + " image id(s) in " + captions + " have more than one caption: "
                    + ids + "; every caption is counted, so these images weigh more in CHAIR. Keep one caption per image to compare with published CHAIR");
        }
        ChairReport r = new Chair(extractor, truth).evaluate(list);
        Path file = out != null ? out : captions.resolveSibling(captions.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".chair.json");
        ChairJson.write(r, file);
        System.out.printf("CHAIR_s=%.4f CHAIR_i=%.4f recall=%.4f captions=%d mentions=%d hallucinated=%d%n",
                r.chairS(), r.chairI(), r.recall(), r.captions().size(), r.mentionCount(), r.hallucinatedMentionCount());
        System.out.println("wrote " + file);
        return 0;
    }
}
