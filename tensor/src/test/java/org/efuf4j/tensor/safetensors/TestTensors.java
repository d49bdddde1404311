package org.efuf4j.tensor.safetensors;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/** Helpers shared by the safetensors tests: random tensors, a scalar raw-bits reference, crafted files. */
final class TestTensors {
    private TestTensors() {}

    /**
     * A contiguous tensor filled with random bit patterns (NaN payloads, -0.0 and subnormals
     * included for float types: the format must carry bytes, not values); BOOL gets 0/1.
     */
    static Tensor random(DType dtype, Random rnd, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        MemorySegment seg = t.hostSegment();
        for (long i = 0; i < seg.byteSize(); i++)
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) (dtype == DType.BOOL ? rnd.nextInt(2) : rnd.nextInt(256)));
        return t;
    }

    /**
     * The raw bits of every element in row-major order, located with plain index arithmetic
     * (offset + sum of index x stride): the reference the writer's row copies are checked against.
     */
    static long[] rawBits(Tensor t) {
        int[] shape = t.shape();
        long[] strides = t.strides();
        MemorySegment seg = t.hostSegment();
        int es = t.dtype().byteSize();
        long[] out = new long[Math.toIntExact(t.numel())];
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            long e = t.offset();
            for (int d = 0; d < shape.length; d++) e += idx[d] * strides[d];
            out[i] = switch (es) {
                case 1 -> seg.get(ValueLayout.JAVA_BYTE, e) & 0xffL;
                case 2 -> seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), e * 2) & 0xffffL;
                case 4 -> seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), e * 4) & 0xffffffffL;
                default -> seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), e * 8);
            };
            for (int d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
        return out;
    }

    /** A file made of a length prefix, the given header text and {@code dataBytes} bytes of data. */
    static Path craft(Path file, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return craft(file, json.length, json, dataBytes);
    }

    /** A file whose length prefix says {@code declaredLength}, whatever the header really is. */
    static Path craft(Path file, long declaredLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        for (int i = 0; i < dataBytes; i++) b.put((byte) i);
        Files.write(file, b.array());
        return file;
    }
}
