package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.efuf4j.tensor.Tensor;

/** Comparison of model outputs with reference tensors: per tensor, max|diff| <= rel * max|ref|. */
final class Parity {
    private Parity() {}

    static void assertClose(Map<String, Tensor> reference, Map<String, Tensor> actual, double rel, String what) {
        assertTrue(actual.keySet().containsAll(reference.keySet()), what + ": outputs " + actual.keySet() + " lack some of " + reference.keySet());
        for (var e : reference.entrySet()) {
            Tensor a = actual.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), what + " " + e.getKey() + " shape");
            float[] r = e.getValue().toFloatArray(), x = a.toFloatArray();
            double maxRef = 0, maxDiff = 0;
            for (int i = 0; i < r.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(r[i]));
                maxDiff = Math.max(maxDiff, Math.abs((double) r[i] - x[i]));
            }
            assertTrue(maxDiff <= rel * maxRef, what + " " + e.getKey() + ": max|diff| " + maxDiff + " > " + rel + " * max|ref| " + maxRef);
        }
    }
}
