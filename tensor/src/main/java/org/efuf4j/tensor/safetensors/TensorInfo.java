package org.efuf4j.tensor.safetensors;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;

/**
 * One header entry: a tensor's name, dtype, shape and its byte range {@code [begin, end)} inside
 * the data buffer (which starts right after the header). Known without touching tensor data.
 */
public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override public int[] shape() { return shape.clone(); }

    public long numel() { return Shapes.numel(shape); }

    public long byteSize() { return end - begin; }

    @Override public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

    @Override public String toString() {
        return name + " " + dtype + " " + Shapes.str(shape) + " [" + begin + ", " + end + ")";
    }
}
