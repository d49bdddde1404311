package org.efuf4j.tensor.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.Tensor;

/**
 * One safetensors file, memory-mapped read-only. Each tensor is a zero-copy view over a slice of
 * the mapping, in the file's dtype (BF16/F16 stay half; kernels widen them on the fly).
 *
 * <p>Lifetime: {@link #open(Path)} maps into {@link Arena#ofAuto()}, so the mapping stays valid
 * for as long as any tensor (or this object) is reachable and is unmapped by the garbage
 * collector afterwards; nothing needs closing. Callers that must unmap at a known point (say,
 * before replacing the file on a platform that forbids it, or in a loop over many checkpoints)
 * pass their own arena to {@link #open(Path, Arena)}; closing that arena invalidates every tensor
 * from the file, and later access fails with {@link IllegalStateException} rather than crashing.
 *
 * <p>Offsets are {@code long} throughout, so files and tensors past 2 GB work.
 */
public final class SafetensorsFile {
    private final Path path;
    private final SafetensorsHeader header;
    private final MemorySegment data;
    private final Map<String, TensorInfo> byName;

    private SafetensorsFile(Path path, SafetensorsHeader header, MemorySegment data) {
        this.path = path;
        this.header = header;
        this.data = data;
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) m.put(t.name(), t);
        this.byName = Collections.unmodifiableMap(m);
    }

    /** Maps {@code file} into an automatic arena: tensors stay valid while referenced. */
    public static SafetensorsFile open(Path file) {
        return open(file, Arena.ofAuto());
    }

    /**
     * Maps {@code file} into {@code arena}; the tensors die with it. Use a shared arena
     * ({@link Arena#ofShared()}): kernels read weights from the worker pool's threads, which a
     * confined arena would refuse.
     */
    public static SafetensorsFile open(Path file, Arena arena) {
        requireLittleEndianHost();
        MemorySegment mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SafetensorsHeader.LENGTH_PREFIX_BYTES) throw SafetensorsHeader.tooShort(file, size);
            // The mapping outlives the channel: closing a channel does not unmap its regions.
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw new SafetensorsException(file, null, "cannot map file: " + e, e);
        }
        long n = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        SafetensorsHeader.checkHeaderLength(file, mapped.byteSize(), n);
        byte[] json = mapped.asSlice(SafetensorsHeader.LENGTH_PREFIX_BYTES, n).toArray(ValueLayout.JAVA_BYTE);
        SafetensorsHeader header = SafetensorsHeader.parse(file, mapped.byteSize(), json);
        return new SafetensorsFile(file, header, mapped.asSlice(header.dataStart()));
    }

    /**
     * Tensor bytes are used in place through native-order layouts, which equal the format's
     * little-endian order on every platform this engine targets (x86-64, AArch64).
     */
    static void requireLittleEndianHost() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
            throw new UnsupportedOperationException("safetensors data is little-endian; this JVM is " + ByteOrder.nativeOrder());
    }

    public Path path() { return path; }

    public SafetensorsHeader header() { return header; }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() { return header.metadata(); }

    /** Tensor names in header order. */
    public List<String> names() { return header.names(); }

    public boolean contains(String name) { return byName.containsKey(name); }

    /** Dtype, shape and byte range of {@code name}, without touching its data. */
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) throw new SafetensorsException(path, name, "no such tensor (the file holds " + byName.size() + " tensors)");
        return t;
    }

    /** A read-only, zero-copy tensor over the mapped bytes of {@code name}. */
    public Tensor tensor(String name) {
        return view(info(name));
    }

    /** Every tensor, in header order. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) m.put(t.name(), view(t));
        return Collections.unmodifiableMap(m);
    }

    private Tensor view(TensorInfo t) {
        MemorySegment bytes = data.asSlice(t.begin(), t.byteSize());
        return Tensor.contiguous(new HostStorage(bytes, true), t.dtype(), t.shape());
    }

    @Override public String toString() {
        return "SafetensorsFile(" + path + ", " + header.tensors().size() + " tensors)";
    }
}
