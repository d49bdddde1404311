package org.efuf4j.tensor.safetensors;

import static org.efuf4j.tensor.safetensors.TestTensors.random;
import static org.efuf4j.tensor.safetensors.TestTensors.rawBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir Path dir;

    private static final int[][] SHAPES = {{}, {7}, {3, 5}, {2, 3, 4}, {0}, {2, 0, 4}, {1, 1, 1}};

    @Test
    void everyDtypeAndShapeRoundTripsBitExactInInsertionOrder() {
        Random rnd = new Random(42);
        Map<String, Tensor> written = new LinkedHashMap<>();
        // Names deliberately out of alphabetical order: the file keeps the caller's order.
        for (DType dtype : DType.values())
            for (int[] shape : SHAPES)
                written.put("z" + written.size() + "." + dtype + "." + shape.length, random(dtype, rnd, shape));
        Path file = dir.resolve("all.safetensors");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "ünïcode ✓ \"quoted\"");
        SafetensorsWriter.write(file, written, metadata);

        SafetensorsFile read = SafetensorsFile.open(file);
        assertEquals(List.copyOf(written.keySet()), read.names());
        assertEquals(metadata, read.metadata());
        for (Map.Entry<String, Tensor> e : written.entrySet()) {
            Tensor back = read.tensor(e.getKey());
            assertEquals(e.getValue().dtype(), back.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
            assertArrayEquals(rawBits(e.getValue()), rawBits(back), e.getKey());
            assertEquals(e.getValue().numel() * e.getValue().dtype().byteSize(), back.storage().byteSize(), e.getKey());
        }
        // The header alone tells the same story.
        SafetensorsHeader header = SafetensorsHeader.read(file);
        assertEquals(read.header(), header);
        assertEquals(written.size(), header.tensors().size());
    }

    @Test
    void scalarValuesSurviveThroughHostAccess() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("logit_scale", Tensor.scalar(2.6592f));
        m.put("ids", Tensor.ofLongs(new long[] {1, Long.MAX_VALUE, -5}, 3));
        m.put("half", Tensor.ofHalf(DType.BF16, new float[] {1.5f, -2.25f}, 2));
        Path file = dir.resolve("s.safetensors");
        SafetensorsWriter.write(file, m);
        SafetensorsFile f = SafetensorsFile.open(file);
        assertEquals(0, f.tensor("logit_scale").rank());
        assertEquals(2.6592f, f.tensor("logit_scale").item());
        assertArrayEquals(new long[] {1, Long.MAX_VALUE, -5}, f.tensor("ids").toLongArray());
        assertArrayEquals(new float[] {1.5f, -2.25f}, f.tensor("half").toFloatArray());
        assertEquals(Map.of(), f.metadata());
    }

    @Test
    void stridedAndBroadcastViewsAreWrittenAsTheirContiguousEquivalent() {
        Random rnd = new Random(7);
        Tensor f32 = random(DType.F32, rnd, 4, 6, 5);
        Tensor bf16 = random(DType.BF16, rnd, 3, 7);
        Tensor i64 = random(DType.I64, rnd, 5, 9);
        Tensor u8 = random(DType.U8, rnd, 2, 3, 5);
        Map<String, Tensor> views = new LinkedHashMap<>();
        views.put("transposed", f32.transpose(0, 2));                       // inner stride 30
        views.put("permuted_slice", f32.permute(1, 0, 2).slice(0, 1, 5));   // dense rows, strided outer
        views.put("offset_slice", f32.slice(0, 2, 4));                      // contiguous with an offset
        views.put("selected", f32.select(1, 3));                            // rows of 5 with stride 30
        views.put("half_transposed", bf16.transpose(0, 1));                 // element-wise path for 2-byte data
        views.put("long_column_slice", i64.slice(1, 2, 7));                 // rows of 5 out of 9
        views.put("broadcast", bf16.slice(0, 1, 2).expand(4, 7));           // stride-0 rows
        views.put("broadcast_inner", u8.slice(2, 0, 1).expand(2, 3, 6));    // stride-0 columns
        views.put("unsqueezed", i64.transpose(0, 1).unsqueeze(1));
        views.put("empty_view", f32.slice(1, 2, 2));
        views.put("scalar_view", f32.select(0, 1).select(0, 2).select(0, 3));
        Path file = dir.resolve("views.safetensors");
        SafetensorsWriter.write(file, views);

        SafetensorsFile read = SafetensorsFile.open(file);
        for (Map.Entry<String, Tensor> e : views.entrySet()) {
            Tensor back = read.tensor(e.getKey());
            assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
            assertTrue(back.isContiguous(), e.getKey());
            assertArrayEquals(rawBits(e.getValue()), rawBits(back), e.getKey());
        }
    }

    @Test
    void headerIsCompactSpacePaddedAndDataIsEightByteAligned() throws IOException {
        Random rnd = new Random(3);
        for (int extra = 0; extra < 9; extra++) {
            // Names of growing length move the unpadded header end through every residue mod 8.
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("w" + "x".repeat(extra), random(DType.F16, rnd, 3));
            m.put("b", random(DType.U8, rnd, 1));
            Path file = dir.resolve("pad" + extra + ".safetensors");
            SafetensorsWriter.write(file, m, Map.of("format", "pt"));
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            assertEquals(0, (8 + n) % 8, "data start must be 8-byte aligned");
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            String json = header.stripTrailing();
            assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding must be spaces: '" + header + "'");
            assertTrue(header.length() - json.length() < 8, "padding shorter than the alignment");
            assertEquals("{\"__metadata__\":{\"format\":\"pt\"},\"w" + "x".repeat(extra)
                    + "\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[6,7]}}", json);
            assertEquals(8 + n + 7, bytes.length);
        }
    }

    @Test
    void mappedTensorsAreReadOnlyZeroCopyViews() {
        Path file = dir.resolve("ro.safetensors");
        SafetensorsWriter.write(file, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)));
        SafetensorsFile f = SafetensorsFile.open(file);
        Tensor a = f.tensor("w"), b = f.tensor("w");
        assertTrue(a.storage().readOnly());
        assertTrue(a.hostSegment().isMapped(), "weights are file-mapped, not copied onto the heap");
        assertEquals(a.hostSegment().address(), b.hostSegment().address(), "two views share the same mapped bytes");
        assertEquals(16, a.hostSegment().byteSize(), "the view spans exactly the tensor's bytes");
        // The JDK reports writes to read-only segments as IllegalArgumentException.
        assertThrows(IllegalArgumentException.class, () -> a.setFloat(9f, 0, 0));
        assertEquals(4f, a.getFloat(1, 1));
    }

    @Test
    void callerOwnedArenaUnmapsOnClose() {
        Path file = dir.resolve("arena.safetensors");
        SafetensorsWriter.write(file, Map.of("w", Tensor.of(new float[] {5, 6}, 2)));
        Tensor kept;
        try (Arena arena = Arena.ofShared()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            kept = f.tensor("w");
            assertEquals(6f, kept.getFloat(1));
        }
        Tensor dead = kept;
        assertThrows(IllegalStateException.class, () -> dead.getFloat(0));
    }

    @Test
    void overwritingIsAtomicAndFailedWritesLeaveTheOldFileAndNoTemporaries() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, Map.of("a", Tensor.of(new float[] {1, 2}, 2)));
        SafetensorsWriter.write(file, Map.of("b", Tensor.of(new float[] {3, 4, 5}, 3)));
        assertEquals(List.of("b"), SafetensorsFile.open(file).names());
        byte[] before = Files.readAllBytes(file);

        // Storage too small for the declared shape: the failure strikes while data is being written.
        Tensor lying = new Tensor(new HostStorage(MemorySegment.ofArray(new float[4]), false), DType.F32, new int[] {8}, new long[] {1}, 0);
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("fine", Tensor.of(new float[] {1}, 1));
        bad.put("lying", lying);
        assertThrows(IndexOutOfBoundsException.class, () -> SafetensorsWriter.write(file, bad));
        SafetensorsException reserved = assertThrows(SafetensorsException.class,
                () -> SafetensorsWriter.write(file, Map.of("__metadata__", Tensor.scalar(1))));
        assertTrue(reserved.getMessage().contains(file.toString()) && reserved.getMessage().contains("'__metadata__'"), reserved.getMessage());

        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files may remain");
        }
    }

    /**
     * A sparse 3 GB file: a U8 tensor larger than 2 GB followed by an F32 tensor that starts past
     * 2^31. Only the pages written are stored, so the test costs no disk space.
     */
    @Test
    void filesAndTensorsLargerThanTwoGigabytesMapWithLongOffsets() throws IOException {
        long big = 3L * 1_000_000_000L;
        String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[3,1000000000],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        while ((8 + header.length()) % 8 != 0) header += " ";
        byte[] json = header.getBytes(StandardCharsets.US_ASCII);
        long dataStart = 8 + json.length;
        Path file = dir.resolve("huge.safetensors");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length);
            ch.write(prefix, 0);
            ch.write(ByteBuffer.wrap(json), 8);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xab}), dataStart + 2_500_000_123L);
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1.25f).putFloat(4, -7.5f), dataStart + big);
        }
        assertEquals(dataStart + big + 8, Files.size(file));

        SafetensorsFile f = SafetensorsFile.open(file);
        Tensor b = f.tensor("big");
        assertEquals(big, b.numel());
        assertEquals(0xab, b.getLong(2, 500_000_123));
        assertEquals(0, b.getLong(2, 500_000_122));
        assertArrayEquals(new float[] {1.25f, -7.5f}, f.tensor("tail").toFloatArray());
        assertEquals(big, f.info("tail").begin());
    }
}
