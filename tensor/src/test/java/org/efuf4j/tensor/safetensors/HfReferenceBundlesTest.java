package org.efuf4j.tensor.safetensors;

import static org.efuf4j.tensor.safetensors.TestTensors.rawBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads the Hugging Face reference bundles ({@code fixtures/hf-reference/{clip,llama,llava}},
 * written by the real safetensors library) and checks them against the facts recorded in each
 * bundle's {@code summary.json} and {@code keys.tsv}: names, shapes, statistics, generated
 * tokens, the BF16 rounding of the weights and the file hashes.
 */
class HfReferenceBundlesTest {
    @TempDir Path tmp;

    private static Path bundle(String name) {
        String shared = System.getProperty("efuf4j.shared");
        assertNotNull(shared, "system property efuf4j.shared must point at the shared folder (set by the parent pom)");
        Path dir = Path.of(shared, "fixtures", "hf-reference", name);
        assertTrue(Files.isDirectory(dir), "missing reference bundle " + dir);
        return dir;
    }

    private static JsonNode summary(Path dir) throws IOException {
        return new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    }

    private static List<Path> safetensorsFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    /** Elements as doubles, integers read as integers so large ids are never rounded through float. */
    private static double[] values(Tensor t) {
        double[] out = new double[Math.toIntExact(t.numel())];
        if (t.dtype().isFloating()) {
            float[] f = t.toFloatArray();
            for (int i = 0; i < f.length; i++) out[i] = f[i];
        } else {
            long[] l = t.toLongArray();
            for (int i = 0; i < l.length; i++) out[i] = l[i];
        }
        return out;
    }

    private static int[] shapeOf(JsonNode array) {
        int[] s = new int[array.size()];
        for (int i = 0; i < s.length; i++) s[i] = array.get(i).asInt();
        return s;
    }

    /**
     * Shape, sum, abs-sum, min and max of every tensor against the summary. The reference sums
     * were accumulated in float64 in another order, so they agree to about n x 1e-16 relative;
     * 1e-10 of the abs-sum is far below any real difference (one changed element moves the sum
     * by at least a float ulp of that element) yet far above reordering noise. Min and max are
     * exact.
     */
    private static void checkStats(String what, SafetensorsFile file, JsonNode expected) {
        Set<String> names = new HashSet<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(names, new HashSet<>(file.names()), what + ": tensor names");
        for (String name : file.names()) {
            JsonNode e = expected.get(name);
            Tensor t = file.tensor(name);
            assertArrayEquals(shapeOf(e.get("shape")), t.shape(), what + " " + name + " shape");
            double sum = 0, absSum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double v : values(t)) {
                sum += v;
                absSum += Math.abs(v);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double tol = 1e-10 * Math.max(1, e.get("abs_sum").asDouble());
            assertEquals(e.get("sum").asDouble(), sum, tol, what + " " + name + " sum");
            assertEquals(e.get("abs_sum").asDouble(), absSum, tol, what + " " + name + " abs_sum");
            assertEquals(e.get("min").asDouble(), min, 0, what + " " + name + " min");
            assertEquals(e.get("max").asDouble(), max, 0, what + " " + name + " max");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void inputsAndOutputsMatchTheSummaryStatistics(String name) throws IOException {
        Path dir = bundle(name);
        JsonNode summary = summary(dir);
        SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile outputs = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
        checkStats(name + "/inputs", inputs, summary.get("inputs"));
        checkStats(name + "/outputs", outputs, summary.get("outputs"));
        assertEquals(DType.I64, inputs.info("input_ids").dtype());
        assertEquals(Map.of("format", "pt"), outputs.metadata());
    }

    /**
     * The BF16-weight outputs differ from the F32 ones by exactly the maxima recorded when the
     * bundle was made (both computed as float32 differences, so equality is exact).
     */
    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void bf16WeightOutputsDifferByTheRecordedMaxima(String name) throws IOException {
        Path dir = bundle(name);
        JsonNode diffs = summary(dir).get("checks").get("bf16w_vs_f32_max_abs_diff");
        SafetensorsFile f32 = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
        SafetensorsFile bf16w = SafetensorsFile.open(dir.resolve("outputs_bf16w.safetensors"));
        assertEquals(f32.names(), bf16w.names());
        for (String t : f32.names()) {
            float[] a = f32.tensor(t).toFloatArray(), b = bf16w.tensor(t).toFloatArray();
            assertArrayEquals(f32.info(t).shape(), bf16w.info(t).shape(), t);
            float maxDiff = 0;
            for (int i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            assertEquals(diffs.get(t).asDouble(), maxDiff, 0, name + " " + t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void weightsMatchKeysAndKnownInitialisation(String name) throws IOException {
        Path dir = bundle(name);
        JsonNode summary = summary(dir);
        SafetensorsFile model = SafetensorsFile.open(dir.resolve("model.safetensors"));
        assertEquals(Map.of("format", "pt"), model.metadata());

        Set<String> stateDict = new HashSet<>();
        summary.get("state_dict_keys").forEach(k -> stateDict.add(k.asText()));
        assertEquals(stateDict, new HashSet<>(model.names()));
        List<String> sorted = new ArrayList<>(model.names());
        sorted.sort(null);
        assertEquals(sorted, model.names(), "the reference writer stores tensors sorted by name; file order must be kept");

        long params = 0;
        List<String> keys = Files.readAllLines(dir.resolve("keys.tsv"));
        assertEquals(model.names().size(), keys.size());
        for (String line : keys) {
            String[] cols = line.split("\t");
            TensorInfo info = model.info(cols[0]);
            assertEquals("float32", cols[1]);
            assertEquals(DType.F32, info.dtype());
            assertEquals(cols[2], java.util.Arrays.toString(info.shape()), cols[0]);
            params += info.numel();
        }
        assertEquals(summary.get("num_params").asLong(), params);

        // Facts of the models' own initialisation (README "Limitations"): norms are 1, biases 0.
        int norms = 0, biases = 0;
        for (String t : model.names()) {
            boolean norm = t.matches(".*(norm|layrnorm)[0-9]*\\.weight");
            boolean bias = t.endsWith(".bias");
            if (!norm && !bias) continue;
            float want = norm ? 1f : 0f;
            for (float v : model.tensor(t).toFloatArray()) assertEquals(want, v, 0, t);
            if (norm) norms++; else biases++;
        }
        assertTrue(norms > 0, "no norm weights found in " + name);
        if (name.equals("clip")) {
            assertTrue(biases > 0);
            assertEquals(2.6592f, model.tensor("logit_scale").item(), 1e-4f, "logit_scale = ln(1/0.07)");
            assertEquals(0, model.tensor("logit_scale").rank());
        }
        if (name.equals("llama")) {
            Tensor padRow = model.tensor("model.embed_tokens.weight").select(0, 0);
            for (float v : padRow.toFloatArray()) assertEquals(0f, v, 0, "padding row of embed_tokens");
        }
    }

    /** The BF16 file holds each F32 weight rounded to nearest even, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void bf16WeightsAreTheRoundedF32Weights(String name) {
        Path dir = bundle(name);
        SafetensorsFile f32 = SafetensorsFile.open(dir.resolve("model.safetensors"));
        SafetensorsFile bf16 = SafetensorsFile.open(dir.resolve("model.bf16.safetensors"));
        assertEquals(new HashSet<>(f32.names()), new HashSet<>(bf16.names()));
        for (String t : f32.names()) {
            Tensor half = bf16.tensor(t);
            assertEquals(DType.BF16, half.dtype(), t);
            assertArrayEquals(f32.info(t).shape(), half.shape(), t);
            float[] full = f32.tensor(t).toFloatArray();
            long[] bits = rawBits(half);
            float[] widened = half.toFloatArray();
            for (int i = 0; i < full.length; i++) {
                int at = i;
                if ((HostAccess.floatToBf16(full[i]) & 0xffff) != bits[i])
                    assertEquals(HostAccess.floatToBf16(full[i]) & 0xffff, bits[i], () -> t + "[" + at + "] = " + full[at]);
                // BF16 keeps 8 significant bits: rounding moves a value by at most half an ulp, 2^-8 relative.
                if (Math.abs(full[i] - widened[i]) > Math.abs(full[i]) * 0x1p-8f)
                    assertEquals(full[i], widened[i], () -> t + "[" + at + "] widened too far from the F32 value");
            }
        }
    }

    /** Generated tokens as recorded; each generated token is the argmax of its step's logits. */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "llava"})
    void generationRecordsAgreeWithTheSummary(String name) throws IOException {
        Path dir = bundle(name);
        JsonNode g = summary(dir).get("generate");
        SafetensorsFile gen = SafetensorsFile.open(dir.resolve("generate.safetensors"));
        Tensor prompt = gen.tensor("prompt_ids"), seq = gen.tensor("sequences"), logits = gen.tensor("step_logits");
        int rows = seq.dim(0), promptLen = prompt.dim(1), steps = logits.dim(1);
        assertEquals(g.get("max_new_tokens").asInt(), steps);
        assertEquals(promptLen + steps, seq.dim(1));
        Tensor inputIds = SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensor("input_ids");
        assertArrayEquals(inputIds.slice(1, 0, promptLen).toLongArray(), prompt.toLongArray());
        assertArrayEquals(prompt.toLongArray(), seq.slice(1, 0, promptLen).toLongArray());
        JsonNode recorded = g.has("sequences") ? g.get("sequences") : g.get("sequences_new");
        int from = g.has("sequences") ? 0 : promptLen;
        float minMargin = Float.POSITIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            for (int c = from; c < seq.dim(1); c++) assertEquals(recorded.get(r).get(c - from).asLong(), seq.getLong(r, c));
            for (int s = 0; s < steps; s++) {
                float[] row = logits.select(0, r).select(0, s).toFloatArray();
                int best = 0;
                float top1 = Float.NEGATIVE_INFINITY, top2 = Float.NEGATIVE_INFINITY;
                for (int v = 0; v < row.length; v++) {
                    if (row[v] > top1) { top2 = top1; top1 = row[v]; best = v; } else if (row[v] > top2) top2 = row[v];
                }
                assertEquals(best, seq.getLong(r, promptLen + s), name + " row " + r + " step " + s);
                minMargin = Math.min(minMargin, top1 - top2);
            }
        }
        assertEquals(g.get("min_top1_top2_logit_margin").asDouble(), minMargin, 0);
    }

    /**
     * Writing every bundle file back (same order, same metadata) reproduces it byte for byte:
     * header text, padding and tensor bytes. The SHA-256 recorded in the summary confirms the
     * originals are the files the bundle was made with.
     */
    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void writingReadFilesBackIsByteExact(String name) throws IOException, NoSuchAlgorithmException {
        Path dir = bundle(name);
        JsonNode hashes = summary(dir).get("files");
        Map<String, String> checked = new HashMap<>();
        for (Path original : safetensorsFiles(dir)) {
            SafetensorsFile read = SafetensorsFile.open(original);
            Path copy = tmp.resolve(name + "-" + original.getFileName());
            SafetensorsWriter.write(copy, read.tensors(), read.metadata());
            byte[] want = Files.readAllBytes(original), got = Files.readAllBytes(copy);
            assertEquals(want.length, got.length, original.toString());
            assertArrayEquals(want, got, original.toString());
            String file = original.getFileName().toString();
            if (hashes.has(file)) {
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got));
                assertEquals(hashes.get(file).asText(), sha, file);
                checked.put(file, sha);
            }
        }
        assertEquals(hashes.size(), checked.size(), "every hashed file was found and rewritten");
    }
}
