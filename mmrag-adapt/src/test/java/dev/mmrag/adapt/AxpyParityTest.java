package dev.mmrag.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel gives the same bits as the scalar loop (multiply, then add, each rounded), which is what
 * makes training reproducible with and without {@code --add-modules jdk.incubator.vector}. Surefire runs this
 * module's tests with the module, so the SIMD kernel is the one in use here.
 */
class AxpyParityTest {

    @Test
    void theSimdKernelIsInUseAndGivesTheScalarLoopsBitsAtEveryLengthAndOffset() {
        assertThat(Axpy.INSTANCE.name()).startsWith("simd-");
        SplittableRandom random = new SplittableRandom(1);
        Axpy scalar = new ScalarAxpy();
        for (int n = 0; n <= 70; n++) {
            for (int offset : new int[] {0, 3}) {
                float[] x = new float[n + offset];
                float[] y = new float[n + offset + 1];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (random.nextGaussian() * 100);
                }
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) random.nextGaussian();
                }
                float a = (float) random.nextGaussian();
                float[] expected = y.clone();
                float[] actual = y.clone();
                scalar.axpy(a, x, offset, expected, 1, n);
                Axpy.INSTANCE.axpy(a, x, offset, actual, 1, n);
                assertThat(actual).as("n=%d, offset=%d", n, offset).containsExactly(expected);
            }
        }
    }
}
