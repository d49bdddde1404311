package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * In the default, deterministic mode a model gives the same bits on its first forward, run by the interpreter and C1,
 * as once C2 has compiled its kernels. With {@code -Defuf4j.deterministic=false} (the Vector API's own exp and lane
 * sums, whose C2 stubs and summation tree round differently from the Java fallbacks) CLIP's outputs change in the last
 * bits after about 36 forwards.
 */
class ReproducibilityTest {
    @Test
    void forwardGivesTheSameBitsBeforeAndAfterCompilation() {
        assertEquals("true", System.getProperty("efuf4j.deterministic", "true"), "this test needs the deterministic default");
        for (Path bundle : new Path[] {HfForwardCommandTest.shared("clip"), HfForwardCommandTest.extra("qwen2")}) {
            Module m = PretrainedModels.load(bundle);
            Map<String, Tensor> first = PretrainedLoadingTest.outputs(m, bundle);
            for (int run = 1; run <= 120; run++) {
                Map<String, Tensor> now = PretrainedLoadingTest.outputs(m, bundle);
                for (var e : first.entrySet()) {
                    float[] a = e.getValue().toFloatArray(), b = now.get(e.getKey()).toFloatArray();
                    for (int i = 0; i < a.length; i++)
                        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]),
                                bundle.getFileName() + " forward " + run + ": " + e.getKey() + "[" + i + "] " + b[i] + ", first forward " + a[i]);
                }
            }
        }
    }
}
