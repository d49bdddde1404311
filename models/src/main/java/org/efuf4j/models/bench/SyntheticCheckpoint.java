package org.efuf4j.models.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.autograd.nn.Init;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.config.ModelConfig;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;
import org.efuf4j.tensor.safetensors.ShardIndex;

/**
 * Writes a model directory of the config's real names and shapes with synthetic BF16 weights, shard by shard (only
 * one shard's tensors in memory at a time), as Hugging Face lays out large checkpoints: {@code model-0000i-of-0000n}
 * files plus {@code model.safetensors.index.json}. For tests and benchmarks at real size without downloading one.
 */
public final class SyntheticCheckpoint {
    private SyntheticCheckpoint() {}

    /**
     * A new scratch directory for a benchmark's checkpoint of about {@code bytes}: in {@code /dev/shm} when that holds
     * twice as much, else in the JVM's temp directory. The decode benchmarks measure reading mapped page-cache memory; a
     * checkpoint just written to a disk is still being written back, and on a Firecracker guest (AMD EPYC, 2026-12-07)
     * that slowed every memory read while it lasted: the decode step read 2-8 GB/s of weights instead of 29, and NumPy's
     * matrix-vector product on a mapped file written a moment before dipped to 3-7 GB/s against 45.
     */
    public static Path scratchDirectory(String prefix, long bytes) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > 2 * bytes)
            return Files.createTempDirectory(shm, prefix);
        return Files.createTempDirectory(prefix);
    }

    /** Deletes a {@link #scratchDirectory} and the files in it. */
    public static void deleteScratch(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    /** Returns the total bytes of weights written. */
    public static long write(ModelConfig config, Path dir, long maxShardBytes, long seed) {
        Module shapeOnly;
        try (AutoCloseable placeholders = Init.placeholders()) {
            shapeOnly = PretrainedModels.create(config, new Random(0));
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        // Group names into shards first, so every file name knows the shard count.
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0, total = 0;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapeOnly.namedParameters().forEach((k, p) -> shapes.put(k, p.shape()));
        for (var e : shapes.entrySet()) {
            long bytes = org.efuf4j.tensor.Shapes.numel(e.getValue()) * 2;
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e.getKey());
            currentBytes += bytes;
            total += bytes;
        }
        if (!current.isEmpty()) shards.add(current);
        ModelConfigs.save(config, dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        long salt = seed;
        for (int s = 0; s < shards.size(); s++) {
            String file = "model-%05d-of-%05d.safetensors".formatted(s + 1, shards.size());
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : shards.get(s)) {
                tensors.put(name, synthetic(name, shapes.get(name), ++salt));
                weightMap.put(name, file);
            }
            SafetensorsWriter.write(dir.resolve(file), tensors, Map.of("format", "pt"));
        }
        try {
            Files.writeString(dir.resolve(ShardIndex.FILE_NAME), json.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the shard index", e);
        }
        return total;
    }

    /**
     * BF16 values from a counter hash, one block of a prime number of values repeated over the tensor (filling gigabytes
     * element by element would dominate a test): norm weights near 1, biases near 0, matrices uniform with the
     * 1/sqrt(fan-in) scale of a fresh layer, so activations stay in range through many layers.
     */
    static Tensor synthetic(String name, int[] shape, long salt) {
        Tensor t = Tensor.zeros(DType.BF16, shape);
        MemorySegment seg = t.hostSegment();
        long n = t.numel();
        boolean norm = name.contains("norm") || name.contains("layrnorm");
        float scale = shape.length >= 2 ? (float) (1.0 / Math.sqrt(shape[shape.length - 1])) : 0.02f;
        float base = norm && name.endsWith("weight") ? 1f : 0f;
        int block = (int) Math.min(n, BLOCK);
        for (int i = 0; i < block; i++) {
            long h = (i + salt * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            float u = ((h >>> 40) * 0x1p-24f) * 2f - 1f;
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, (short) (Float.floatToRawIntBits(base + u * scale) >>> 16));
        }
        for (long done = block; done < n; ) {
            long count = Math.min(done, n - done);
            MemorySegment.copy(seg, 0, seg, 2 * done, 2 * count);
            done += count;
        }
        return t;
    }

    /** A prime period, so no two rows of any matrix narrower than it repeat (ties would make argmax arbitrary). */
    private static final int BLOCK = 65521;
}
