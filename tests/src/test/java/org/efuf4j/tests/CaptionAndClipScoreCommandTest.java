package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import javax.imageio.ImageIO;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.cli.EfufCommand;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code efuf clip-score} and {@code efuf caption} on tiny checkpoints written here (random weights, real tokenizer files). */
class CaptionAndClipScoreCommandTest {
    @TempDir static Path tmp;
    static Path clipDir, llavaDir, image;

    record Run(int rc, String out, String err) {}

    static Run efuf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = EfufCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int rc = cli.execute(args);
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        BufferedImage img = new BufferedImage(45, 38, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(4);
        for (int y = 0; y < 38; y++) for (int x = 0; x < 45; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        image = tmp.resolve("picture.png");
        ImageIO.write(img, "png", image.toFile());

        clipDir = tmp.resolve("clip");
        TinyCheckpoints.clip(clipDir, 5);
        llavaDir = tmp.resolve("llava");
        TinyCheckpoints.llava(llavaDir, 6);
    }

    /** Scores of several texts in one padded batch equal each text scored alone (padding masked, pooled at its own end). */
    @Test
    void clipScoreMatchesUnpaddedSingleTextScores() throws Exception {
        Run run = efuf("clip-score", "--model", clipDir.toString(), "--image", image.toString(), "--text", "a cat", "--text", "a dog at the door");
        assertEquals(0, run.rc(), run.err());
        List<Float> scores = new ArrayList<>();
        for (String line : run.out().strip().split("\n")) scores.add(Float.parseFloat(line.substring("clip_score=".length(), line.indexOf(' '))));
        assertEquals(2, scores.size(), run.out());

        ClipModel clip = PretrainedModels.load(clipDir, null, org.efuf4j.tensor.Device.CPU, ClipModel.class);
        Tokenizer tok = Tokenizers.load(clipDir);
        Tensor pixels = ClipImageProcessor.clip(32).preprocess(image).reshape(1, 3, 32, 32);
        String[] texts = {"a cat", "a dog at the door"};
        for (int t = 0; t < 2; t++) {
            int[] ids = tok.encode(texts[t]);
            long[] l = new long[ids.length];
            for (int i = 0; i < l.length; i++) l[i] = ids[i];
            try (NoGrad s = NoGrad.enter()) {
                ClipOutput o = clip.forward(Tensor.ofLongs(l, 1, l.length), null, pixels);
                float[] te = o.textEmbeds().value().toFloatArray(), ie = o.imageEmbeds().value().toFloatArray();
                double dot = 0;
                for (int k = 0; k < te.length; k++) dot += te[k] * ie[k];
                assertEquals(100 * dot, scores.get(t), 1e-3, texts[t]);
                // The logit scale 4.6052 makes logits_per_text = 100 x cosine, the score EFUF thresholds.
                assertEquals(100 * dot, o.logitsPerText().value().getFloat(0, 0), 1e-2);
            }
        }
        assertNotEquals(scores.get(0), scores.get(1));
    }

    @Test
    void captionIsTheDecodedGreedyContinuationOfTheExpandedPrompt() throws Exception {
        Run run = efuf("caption", "--model", llavaDir.toString(), "--image", image.toString(), "--prompt", "what is it", "--max-new-tokens", "6");
        assertEquals(0, run.rc(), run.err());
        LlavaForConditionalGeneration llava = PretrainedModels.load(llavaDir, null, org.efuf4j.tensor.Device.CPU, LlavaForConditionalGeneration.class);
        Tokenizer tok = Tokenizers.load(llavaDir);
        int[] raw = tok.encode("USER: <image>\nwhat is it ASSISTANT:");
        List<Long> ids = new ArrayList<>();
        for (int id : raw) {
            if (id == llava.config().imageTokenIndex()) for (int k = 0; k < 16; k++) ids.add((long) id);
            else ids.add((long) id);
        }
        assertEquals(1L, ids.get(0), "BOS first");
        long[] prompt = ids.stream().mapToLong(Long::longValue).toArray();
        Tensor pixels = ClipImageProcessor.clip(32).preprocess(image).reshape(1, 3, 32, 32);
        long[] gen = Generator.generate(llava, Tensor.ofLongs(prompt, 1, prompt.length), pixels, GenerationConfig.greedy(6, Set.of(2))).newTokens(0);
        int[] g = new int[gen.length];
        for (int i = 0; i < g.length; i++) g[i] = (int) gen[i];
        assertEquals(tok.decode(g).strip(), run.out().strip());
        assertTrue(gen.length > 0 && !run.out().isBlank(), "generated " + java.util.Arrays.toString(gen));
    }

    @Test
    void clearErrors() throws Exception {
        Run missing = efuf("clip-score", "--model", clipDir.toString(), "--image", tmp.resolve("absent.png").toString(), "--text", "x");
        assertNotEquals(0, missing.rc());
        assertTrue(missing.err().contains("absent.png") && missing.err().contains("no such file"), missing.err());

        Path garbage = tmp.resolve("garbage.png");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
        Run unreadable = efuf("caption", "--model", llavaDir.toString(), "--image", garbage.toString());
        assertNotEquals(0, unreadable.rc());
        assertTrue(unreadable.err().contains("garbage.png"), unreadable.err());

        Run wrongKind = efuf("clip-score", "--model", llavaDir.toString(), "--image", image.toString(), "--text", "x");
        assertNotEquals(0, wrongKind.rc());
        assertTrue(wrongKind.err().contains("LlavaForConditionalGeneration") && wrongKind.err().contains("ClipModel"), wrongKind.err());

        Run wrongKind2 = efuf("caption", "--model", clipDir.toString(), "--image", image.toString());
        assertNotEquals(0, wrongKind2.rc());
        assertTrue(wrongKind2.err().contains("CLIPModel") && wrongKind2.err().contains("LlavaForConditionalGeneration"), wrongKind2.err());

        Run twoImages = efuf("caption", "--model", llavaDir.toString(), "--image", image.toString(), "--prompt", "USER: <image><image> hi ASSISTANT:");
        assertNotEquals(0, twoImages.rc());
        assertTrue(twoImages.err().contains("exactly one <image>"), twoImages.err());
    }
}
