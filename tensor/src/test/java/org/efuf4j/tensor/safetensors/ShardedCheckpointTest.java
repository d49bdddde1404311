package org.efuf4j.tensor.safetensors;

import static org.efuf4j.tensor.safetensors.TestTensors.random;
import static org.efuf4j.tensor.safetensors.TestTensors.rawBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {
    @TempDir Path dir;

    /** 10 tensors of 64..640 bytes in mixed dtypes, plus a strided view and an empty tensor. */
    private static Map<String, Tensor> model() {
        Random rnd = new Random(11);
        Map<String, Tensor> m = new LinkedHashMap<>();
        DType[] types = {DType.F32, DType.BF16, DType.F16, DType.I64, DType.U8};
        for (int i = 0; i < 10; i++) {
            DType t = types[i % types.length];
            m.put("model.layers." + (9 - i) + ".weight", random(t, rnd, i + 1, 64 / t.byteSize()));
        }
        m.put("model.norm.weight", random(DType.F32, rnd, 6, 5).transpose(0, 1));
        m.put("model.empty", random(DType.F32, rnd, 0, 4));
        return m;
    }

    private static long bytes(Tensor t) { return t.numel() * t.dtype().byteSize(); }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shardedRoundTripThroughDirectoryAndIndex() throws IOException {
        Map<String, Tensor> model = model();
        long max = 700;
        List<Path> written = SafetensorsWriter.writeSharded(dir, model, Map.of("format", "pt"), max);
        Path index = dir.resolve(ShardIndex.FILE_NAME);
        assertEquals(index, written.getLast());
        int shards = written.size() - 1;
        assertTrue(shards >= 4, "expected several shards, got " + written);
        for (int i = 0; i < shards; i++)
            assertEquals(String.format("model-%05d-of-%05d.safetensors", i + 1, shards), written.get(i).getFileName().toString());

        // Index as Hugging Face writes it: total_size is the sum of tensor bytes, a number.
        JsonNode json = new ObjectMapper().readTree(index.toFile());
        long total = model.values().stream().mapToLong(ShardedCheckpointTest::bytes).sum();
        assertTrue(json.get("metadata").get("total_size").isNumber());
        assertEquals(total, json.get("metadata").get("total_size").asLong());
        assertEquals(model.size(), json.get("weight_map").size());

        // Greedy packing: shards respect the limit and are not split needlessly.
        List<Long> shardBytes = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            SafetensorsFile shard = SafetensorsFile.open(written.get(i));
            assertEquals(Map.of("format", "pt"), shard.metadata());
            shardBytes.add(shard.header().dataLength());
            assertTrue(shard.header().dataLength() <= max, "shard " + i + " holds " + shard.header().dataLength());
        }
        for (int i = 0; i + 1 < shards; i++) {
            String firstOfNext = SafetensorsFile.open(written.get(i + 1)).names().getFirst();
            assertTrue(shardBytes.get(i) + bytes(model.get(firstOfNext)) > max, "tensor " + firstOfNext + " would have fitted in shard " + i);
        }

        for (Path source : List.of(dir, index)) {
            SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source);
            assertEquals(index, ckpt.source());
            assertEquals(List.copyOf(model.keySet()), ckpt.names());
            assertEquals(Long.toString(total), ckpt.metadata().get("total_size"));
            assertEquals(shards, ckpt.files().size());
            for (Map.Entry<String, Tensor> e : model.entrySet()) {
                Tensor t = ckpt.tensor(e.getKey());
                assertEquals(e.getValue().dtype(), t.dtype());
                assertArrayEquals(e.getValue().shape(), t.shape());
                assertArrayEquals(rawBits(e.getValue()), rawBits(t), e.getKey());
                assertArrayEquals(e.getValue().shape(), ckpt.info(e.getKey()).shape());
                assertEquals(dir.resolve(json.get("weight_map").get(e.getKey()).asText()), ckpt.fileOf(e.getKey()));
            }
        }
    }

    @Test
    void aTensorLargerThanTheLimitGetsItsOwnShard() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        Random rnd = new Random(2);
        m.put("small.a", random(DType.F32, rnd, 4));
        m.put("huge", random(DType.F32, rnd, 100));
        m.put("small.b", random(DType.F32, rnd, 4));
        List<Path> written = SafetensorsWriter.writeSharded(dir, m, Map.of(), 64);
        assertEquals(4, written.size());
        assertEquals(List.of("huge"), SafetensorsFile.open(written.get(1)).names());
        assertEquals(List.of("small.b"), SafetensorsFile.open(written.get(2)).names());
    }

    @Test
    void everythingWithinTheLimitIsOneSingleFileAndStaleFilesAreRemoved() throws IOException {
        Map<String, Tensor> model = model();
        SafetensorsWriter.writeSharded(dir, model, Map.of(), 500);
        Files.writeString(dir.resolve("config.json"), "{}");
        assertTrue(filesInDir().contains(ShardIndex.FILE_NAME));

        List<Path> single = SafetensorsWriter.writeSharded(dir, model, Map.of("format", "pt"), 1L << 40);
        assertEquals(List.of(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME)), single);
        assertEquals(List.of("config.json", "model.safetensors"), filesInDir(), "old shards and index are gone, other files stay");
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir);
        assertEquals(single.getFirst(), ckpt.source());
        assertEquals(List.copyOf(model.keySet()), ckpt.names());
        assertEquals(Map.of("format", "pt"), ckpt.metadata());
        assertEquals(ckpt.names(), SafetensorsCheckpoint.open(single.getFirst()).names());

        // And back: a sharded save must not leave a model.safetensors that readers would prefer.
        SafetensorsWriter.writeSharded(dir, model, Map.of(), 2000);
        List<String> files = filesInDir();
        assertFalse(files.contains("model.safetensors"), files.toString());
        assertEquals(SafetensorsCheckpoint.open(dir).source(), dir.resolve(ShardIndex.FILE_NAME));
    }

    @Test
    void missingShardIsNamedWithTheIndexAndATensor() throws IOException {
        List<Path> written = SafetensorsWriter.writeSharded(dir, model(), Map.of(), 700);
        Path gone = written.get(1);
        String someTensor = SafetensorsFile.open(gone).names().getFirst();
        Files.delete(gone);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(dir.resolve(ShardIndex.FILE_NAME).toString()), msg);
        assertTrue(msg.contains(gone.getFileName().toString()) && msg.contains("does not exist"), msg);
        assertEquals(someTensor, e.tensor(), msg);
    }

    @Test
    void indexNamingATensorAbsentFromItsShard() throws IOException {
        SafetensorsWriter.write(dir.resolve("part-a.safetensors"), Map.of("a", Tensor.of(new float[] {1}, 1)));
        SafetensorsWriter.write(dir.resolve("part-b.safetensors"), Map.of("b", Tensor.of(new float[] {2}, 1)));
        Path index = dir.resolve(ShardIndex.FILE_NAME);
        Files.writeString(index, "{\"weight_map\":{\"a\":\"part-a.safetensors\",\"b\":\"part-a.safetensors\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(index));
        assertEquals("b", e.tensor());
        assertTrue(e.getMessage().startsWith(index.toString()) && e.getMessage().contains("part-a.safetensors")
                && e.getMessage().contains("does not hold it"), e.getMessage());

        Files.writeString(index, "{\"weight_map\":{\"a\":\"part-a.safetensors\",\"b\":\"part-b.safetensors\"}}");
        SafetensorsCheckpoint ok = SafetensorsCheckpoint.open(dir);
        assertEquals(2f, ok.tensor("b").item());
        assertEquals(Map.of(), ok.metadata());
    }

    @Test
    void malformedIndexes() throws IOException {
        SafetensorsWriter.write(dir.resolve("s.safetensors"), Map.of("a", Tensor.of(new float[] {1}, 1)));
        Path index = dir.resolve(ShardIndex.FILE_NAME);
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("{\"weight_map\":{\"a\":\"s.safetensors\",\"a\":\"s.safetensors\"}}", new String[] {"invalid index JSON", "'a'"});
        cases.put("{\"metadata\":{}}", new String[] {"weight_map", "none"});
        cases.put("[]", new String[] {"must be a JSON object"});
        cases.put("{\"weight_map\":{\"a\":3}}", new String[] {"tensor 'a'", "shard file name"});
        cases.put("{\"weight_map\":{\"a\":\"../s.safetensors\"}}", new String[] {"'../s.safetensors'", "inside"});
        cases.put("{\"weight_map\":{\"a\":\"/etc/passwd\"}}", new String[] {"'/etc/passwd'", "inside"});
        cases.put("{\"weight_map\":", new String[] {"invalid index JSON"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Files.writeString(index, c.getKey());
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(index), c.getKey());
            assertTrue(e.getMessage().startsWith(index.toString()), e.getMessage());
            for (String f : c.getValue()) assertTrue(e.getMessage().contains(f), c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void corruptShardIsReportedAgainstTheShardFile() throws IOException {
        List<Path> written = SafetensorsWriter.writeSharded(dir, model(), Map.of(), 700);
        Path shard = written.getFirst();
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length - 3));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir));
        assertEquals(shard, e.file());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void directoryWithoutCheckpointAndUnknownTensors() throws IOException {
        SafetensorsException none = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(none.getMessage().contains("neither model.safetensors nor model.safetensors.index.json"), none.getMessage());
        assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir.resolve("absent.safetensors")));

        SafetensorsWriter.writeSharded(dir, Map.of("w", Tensor.scalar(3)), Map.of(), 1024);
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir);
        assertTrue(ckpt.contains("w"));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ckpt.tensor("lm_head.weight"));
        assertTrue(e.getMessage().contains("tensor 'lm_head.weight'") && e.getMessage().contains("model.safetensors"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.writeSharded(dir, Map.of(), Map.of(), 0));
    }
}
