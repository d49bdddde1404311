package org.efuf4j.clip.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import org.efuf4j.clip.ClipScorer;
import org.efuf4j.clip.ClipVocabulary;
import org.efuf4j.clip.ScoringMode;
import org.efuf4j.clip.ScoringOptions;
import org.efuf4j.clip.WindowGrid;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.ClipTextConfig;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * EFUF object scoring throughput with random weights: images (and crops) per second in whole-image, paper
 * (sliding-window max) and implementation (top-k cells) modes, text embeddings cached. Full run: CLIP ViT-B/32
 * shapes on 384x320 images (15 windows each in the paper's geometry); quick: a 128-wide model on 64-px crops.
 */
public final class ClipScoreBenchSuite implements BenchSuite {
    private static final List<String> OBJECTS = List.of("dog", "surfboard", "dining table", "person", "car");

    @Override public String name() { return "clipscore"; }

    @Override public String description() { return "CLIP object scores per second (whole image, sliding windows, top-k cells)"; }

    @Override public void run(BenchContext ctx) throws Exception {
        boolean quick = ctx.quick();
        Path dir = Files.createTempDirectory("efuf-clipscore-bench");
        try {
            List<String> words = new ArrayList<>(OBJECTS);
            words.add(ScoringOptions.PAPER_TEMPLATE);
            ClipVocabulary vocab = ClipVocabulary.ofTexts(words);
            int width = quick ? 128 : 768, layers = quick ? 2 : 12, size = quick ? 64 : 224, cell = quick ? 16 : 48;
            ClipTextConfig text = new ClipTextConfig(vocab.size(), quick ? 128 : 512, quick ? 512 : 2048, 512, layers, quick ? 4 : 8, 77,
                    "quick_gelu", 1e-5, 0, 0.02, 1.0, vocab.endOfText(), vocab.startOfText(), vocab.endOfText());
            ClipVisionConfig vision = new ClipVisionConfig(width, 4 * width, 512, layers, quick ? 4 : 12, 3, size, quick ? 16 : 32,
                    "quick_gelu", 1e-5, 0, 0.02, 1.0);
            ClipModel model = new ClipModel(new ClipConfig(text, vision, 512, 2.6592, 1.0), new Random(1));
            model.eval();
            ClipScorer scorer = new ClipScorer(model, vocab.tokenizer(dir), ClipImageProcessor.clip(size), ScoringOptions.wholeImage());
            Random r = new Random(2);
            int imageWidth = 8 * cell, imageHeight = cell * 20 / 3;
            byte[] rgb = new byte[imageWidth * imageHeight * 3];
            r.nextBytes(rgb);
            RgbImage image = RgbImage.of(imageWidth, imageHeight, rgb);
            String name = "clip-w" + width + "-l" + layers + "-" + size + "px";
            for (ScoringOptions options : List.of(ScoringOptions.wholeImage(), ScoringOptions.paper().withCellSize(cell),
                    ScoringOptions.implementation().withCellSize(cell))) {
                ClipScorer s = scorer.withOptions(options);
                List<RgbImage> batch = List.of(image, image);
                List<List<String>> objects = List.of(OBJECTS, OBJECTS);
                double seconds = ctx.time(quick ? 0.3 : 3, () -> s.scoreAll(batch, objects));
                int crops = options.mode() == ScoringMode.WHOLE_IMAGE ? 1
                        : WindowGrid.over(imageWidth, imageHeight, cell, options.windowCells()).windowCount();
                ctx.result("clipscore", "model", name, "mode", options.mode().name().toLowerCase(Locale.ROOT),
                        "image", imageWidth + "x" + imageHeight, "threads", ctx.threads(), "crops_per_image", crops,
                        "images_per_s", batch.size() / seconds, "crops_per_s", batch.size() * crops / seconds);
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }
}
