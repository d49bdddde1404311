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
import org.efuf4j.efuf.cli.EfufCommand;
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
        CommandLine cli = new CommandLine(new EfufCommand());
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

    /** GPT-2's byte-to-unicode table, which CLIP's vocab.json is written in. */
    static char byteChar(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return (char) b;
        int n = 0;
        for (int x = 0; x < b; x++) if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) n++;
        return (char) (256 + n);
    }

    static String json(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        BufferedImage img = new BufferedImage(45, 38, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(4);
        for (int y = 0; y < 38; y++) for (int x = 0; x < 45; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        image = tmp.resolve("picture.png");
        ImageIO.write(img, "png", image.toFile());

        // CLIP: byte symbols, byte symbols + </w>, a few merges, then the two specials (eot is the largest id).
        clipDir = Files.createDirectories(tmp.resolve("clip"));
        List<String> merges = List.of("a t</w>", "c at</w>", "d o", "do g</w>");
        StringBuilder vocab = new StringBuilder("{");
        int id = 0;
        for (int b = 0; b < 256; b++) vocab.append(json(String.valueOf(byteChar(b)))).append(':').append(id++).append(',');
        for (int b = 0; b < 256; b++) vocab.append(json(byteChar(b) + "</w>")).append(':').append(id++).append(',');
        for (String m : merges) vocab.append(json(m.replace(" ", ""))).append(':').append(id++).append(',');
        vocab.append(json("<|startoftext|>")).append(':').append(id++).append(',').append(json("<|endoftext|>")).append(':').append(id++).append('}');
        Files.writeString(clipDir.resolve("vocab.json"), vocab);
        Files.writeString(clipDir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
        int clipVocab = id;
        String clipConfig = """
                {"model_type": "clip", "projection_dim": 16, "logit_scale_init_value": 4.6052,
                 "text_config": {"vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                   "num_attention_heads": 4, "max_position_embeddings": 24, "bos_token_id": %d, "eos_token_id": 2, "pad_token_id": %d},
                 "vision_config": {"hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "image_size": 32, "patch_size": 8}}""".formatted(clipVocab, clipVocab - 2, clipVocab - 1);
        PretrainedModels.save(PretrainedModels.create(ModelConfigs.parse(clipConfig, "clip test config"), new Random(5)), clipDir);

        // LLaVA: a LLaMA-style tokenizer.json (byte fallback, "▁" + lower-case letters) with <image>.
        llavaDir = Files.createDirectories(tmp.resolve("llava"));
        StringBuilder v = new StringBuilder("{\"<unk>\":0,\"<s>\":1,\"</s>\":2");
        int n = 3;
        for (int b = 0; b < 256; b++) v.append(',').append(json("<0x%02X>".formatted(b))).append(':').append(n++);
        v.append(',').append(json("▁")).append(':').append(n++);
        for (char c = 'a'; c <= 'z'; c++) v.append(',').append(json(String.valueOf(c))).append(':').append(n++);
        int imageId = n++;
        v.append('}');
        String tokenizer = """
                {"version": "1.0",
                 "added_tokens": [{"id": 0, "content": "<unk>", "special": true}, {"id": 1, "content": "<s>", "special": true},
                                  {"id": 2, "content": "</s>", "special": true}, {"id": %d, "content": "<image>", "special": true}],
                 "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
                 "pre_tokenizer": null,
                 "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}}], "pair": [],
                                    "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
                 "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                             {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
                 "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true, "vocab": %s, "merges": []}}
                """.formatted(imageId, v);
        Files.writeString(llavaDir.resolve("tokenizer.json"), tokenizer);
        String llavaConfig = """
                {"model_type": "llava", "image_token_index": %d, "image_seq_length": 16, "vision_feature_layer": -2,
                 "vision_feature_select_strategy": "default",
                 "vision_config": {"model_type": "clip_vision_model", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
                   "num_attention_heads": 2, "image_size": 32, "patch_size": 8},
                 "text_config": {"model_type": "llama", "vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                   "num_attention_heads": 4, "num_key_value_heads": 2, "bos_token_id": 1, "eos_token_id": 2}}""".formatted(imageId, imageId + 1);
        PretrainedModels.save(PretrainedModels.create(ModelConfigs.parse(llavaConfig, "llava test config"), new Random(6)), llavaDir);
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
