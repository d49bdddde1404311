package org.efuf4j.tensor.safetensors;

import org.efuf4j.tensor.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.efuf4j.tensor.Tensor;

/**
 * Writes tensors as safetensors: compact JSON header with {@code __metadata__} first and the
 * tensors in the map's order, padded with spaces so the data starts 8-byte aligned, then each
 * tensor's bytes row-major and little-endian (strided and broadcast views are written as their
 * contiguous equivalent). Files are written to a temporary file in the target directory and
 * renamed into place, so readers never see a half-written file.
 */
public final class SafetensorsWriter {
    /** Staging buffer size: large enough for efficient writes, small enough to never matter. */
    private static final int STAGING_BYTES = 1 << 20;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern NUMBERED_SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private SafetensorsWriter() {}

    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        SafetensorsFile.requireLittleEndianHost();
        List<Placed> placed = place(file, tensors);
        byte[] header = header(file, placed, metadata);
        long dataLength = placed.isEmpty() ? 0 : placed.getLast().end;
        writeAtomically(file, ch -> {
            Staging out = new Staging(ch);
            ByteBuffer prefix = ByteBuffer.allocate(SafetensorsHeader.LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            out.put(prefix.putLong(0, header.length).array());
            out.put(header);
            for (Placed p : placed) writeData(p.tensor, out);
            out.flush();
            long expected = SafetensorsHeader.LENGTH_PREFIX_BYTES + header.length + dataLength;
            if (ch.size() != expected)
                throw new IllegalStateException(file + ": wrote " + ch.size() + " bytes, expected " + expected);
        });
    }

    /**
     * Writes a checkpoint directory the way Hugging Face does: {@code model.safetensors} when
     * everything fits in {@code maxShardBytes}, else {@code model-0000i-of-0000n.safetensors}
     * shards plus {@code model.safetensors.index.json}. Tensors are packed in order, a new shard
     * starts when the next tensor would overflow the current one, and a tensor larger than the
     * limit gets a shard of its own. The index is written last, so it never names a shard that is
     * not complete. Afterwards checkpoint files of an earlier save that are not part of this one
     * (a stale {@code model.safetensors}, index or numbered shard) are deleted, because a reader
     * would otherwise prefer them. Returns the files written, index last.
     */
    public static List<Path> writeSharded(Path directory, Map<String, Tensor> tensors, Map<String, String> metadata, long maxShardBytes) {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new SafetensorsException(directory, null, "cannot create checkpoint directory: " + e, e);
        }
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0, totalBytes = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = byteSize(directory, e.getKey(), e.getValue());
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);

        List<Path> written = new ArrayList<>();
        if (shards.size() == 1) {
            Path single = directory.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME);
            write(single, shards.getFirst(), metadata);
            written.add(single);
        } else {
            Map<String, String> weightMap = new LinkedHashMap<>();
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                Path shard = directory.resolve(name);
                write(shard, shards.get(i), metadata);
                written.add(shard);
                for (String tensor : shards.get(i).keySet()) weightMap.put(tensor, name);
            }
            Path indexFile = directory.resolve(ShardIndex.FILE_NAME);
            byte[] json = new ShardIndex(indexFile, Map.of("total_size", Long.toString(totalBytes)), weightMap).toJson();
            writeAtomically(indexFile, ch -> {
                Staging out = new Staging(ch);
                out.put(json);
                out.flush();
            });
            written.add(indexFile);
        }
        deleteStale(directory, written);
        return written;
    }

    private static void deleteStale(Path directory, List<Path> written) {
        Set<Path> keep = new HashSet<>();
        for (Path p : written) keep.add(p.getFileName());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                boolean checkpointFile = name.equals(SafetensorsCheckpoint.SINGLE_FILE_NAME) || name.equals(ShardIndex.FILE_NAME)
                        || NUMBERED_SHARD.matcher(name).matches();
                if (checkpointFile && !keep.contains(p.getFileName())) Files.delete(p);
            }
        } catch (IOException e) {
            throw new SafetensorsException(directory, null, "checkpoint written, but stale checkpoint files could not be removed: " + e, e);
        }
    }

    // ---------------------------------------------------------------- header

    private record Placed(String name, Tensor tensor, long begin, long end) {}

    private static long byteSize(Path file, String name, Tensor t) {
        if (name == null) throw new SafetensorsException(file, null, "tensor names must not be null");
        if (name.equals(SafetensorsHeader.METADATA_KEY))
            throw new SafetensorsException(file, name, "the name " + SafetensorsHeader.METADATA_KEY + " is reserved for the metadata map");
        if (t == null) throw new SafetensorsException(file, name, "tensor is null");
        return t.numel() * t.dtype().byteSize();
    }

    private static List<Placed> place(Path file, Map<String, Tensor> tensors) {
        List<Placed> placed = new ArrayList<>(tensors.size());
        long cursor = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = byteSize(file, e.getKey(), e.getValue());
            placed.add(new Placed(e.getKey(), e.getValue().toHost(), cursor, cursor + bytes));
            cursor += bytes;
        }
        return placed;
    }

    /** The header JSON, space-padded so that prefix + header is a multiple of the data alignment. */
    private static byte[] header(Path file, List<Placed> placed, Map<String, String> metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null)
                        throw new SafetensorsException(file, null, "metadata keys and values must not be null: " + e);
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            for (Placed p : placed) {
                g.writeObjectFieldStart(p.name);
                g.writeStringField("dtype", p.tensor.dtype().safetensorsName());
                g.writeArrayFieldStart("shape");
                for (int d : p.tensor.shape()) g.writeNumber(d);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(p.begin);
                g.writeNumber(p.end);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the header of " + file, e);
        }
        int align = SafetensorsHeader.DATA_ALIGNMENT;
        int unpadded = bytes.size();
        int padded = (unpadded + SafetensorsHeader.LENGTH_PREFIX_BYTES + align - 1) / align * align - SafetensorsHeader.LENGTH_PREFIX_BYTES;
        if (padded > SafetensorsHeader.MAX_HEADER_BYTES)
            throw new SafetensorsException(file, null, "header of " + padded + " bytes exceeds the limit of " + SafetensorsHeader.MAX_HEADER_BYTES);
        for (int i = unpadded; i < padded; i++) bytes.write(' ');
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------- data

    /** Streams the elements of {@code t} in row-major order; rows along the last axis are copied whole when dense. */
    private static void writeData(Tensor t, Staging out) throws IOException {
        long numel = t.numel();
        if (numel == 0) return;
        MemorySegment src = t.hostSegment();
        int es = t.dtype().byteSize();
        if (t.isContiguous()) {
            out.put(src, t.offset() * es, numel * es);
            return;
        }
        int[] shape = t.shape();
        long[] strides = t.strides();
        int rank = shape.length;
        int cols = shape[rank - 1];
        long inner = strides[rank - 1];
        long rows = numel / cols;
        int[] idx = new int[rank - 1];
        for (long r = 0; r < rows; r++) {
            long base = t.offset();
            for (int d = 0; d < rank - 1; d++) base += idx[d] * strides[d];
            if (inner == 1) out.put(src, base * es, (long) cols * es);
            else for (int c = 0; c < cols; c++) out.put(src, (base + c * inner) * es, es);
            for (int d = rank - 2; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
    }

    /** Collects bytes from any segment (heap arrays of any type included) and writes them in large blocks. */
    private static final class Staging {
        private final FileChannel channel;
        private final byte[] buffer = new byte[STAGING_BYTES];
        private final MemorySegment segment = MemorySegment.ofArray(buffer);
        private int fill;

        Staging(FileChannel channel) { this.channel = channel; }

        void put(byte[] bytes) throws IOException {
            put(MemorySegment.ofArray(bytes), 0, bytes.length);
        }

        void put(MemorySegment src, long offset, long length) throws IOException {
            while (length > 0) {
                int n = (int) Math.min(length, buffer.length - fill);
                MemorySegment.copy(src, offset, segment, fill, n);
                fill += n;
                offset += n;
                length -= n;
                if (fill == buffer.length) flush();
            }
        }

        void flush() throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, fill);
            while (b.hasRemaining()) channel.write(b);
            fill = 0;
        }
    }

    // ---------------------------------------------------------------- atomic replacement

    private static void writeAtomically(Path target, AtomicFiles.ChannelContent body) {
        try {
            AtomicFiles.writeChannelOrThrow(target, body);
        } catch (IOException e) {
            throw new SafetensorsException(target, null, "cannot write: " + e, e);
        }
    }
}
