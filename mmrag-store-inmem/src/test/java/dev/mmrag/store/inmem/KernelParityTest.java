package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.test.TestVectors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel and the scalar one give the same results: numerically, on vectors of every length from 1 to
 * 70 and of common embedding sizes (so every tail case runs), and end to end, in two child JVMs, one started
 * with {@code --add-modules jdk.incubator.vector} and one without, whose searches must print the same hits and
 * scores. This test JVM itself runs with the module (see the module's pom), so {@link SimdKernel} is loadable here.
 */
class KernelParityTest {

    private final VectorKernel scalar = new ScalarKernel();
    private final VectorKernel simd = new SimdKernel();

    @Test
    void thisJvmHasTheModuleAndSelectsTheSimdKernel() {
        assertThat(ModuleLayer.boot().findModule(VectorKernel.VECTOR_MODULE)).isPresent();
        assertThat(VectorKernel.INSTANCE).isInstanceOf(SimdKernel.class);
        assertThat(HnswVectorStore.kernelName()).startsWith("simd-");
    }

    @Test
    void dotProductsAndDistancesAgreeForEveryLength() {
        int[] lengths = java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(1, 70),
                java.util.stream.IntStream.of(127, 128, 129, 384, 512, 768, 1024)).toArray();
        for (int length : lengths) {
            List<float[]> vectors = TestVectors.uniform(20, length, length);
            for (int i = 0; i + 1 < vectors.size(); i++) {
                float[] a = vectors.get(i);
                float[] b = vectors.get(i + 1);
                double dot = referenceDot(a, b);
                double squared = referenceSquaredDistance(a, b);
                double tolerance = 1e-5 * length;
                assertThat((double) scalar.dot(a, b)).as("scalar dot, length %d", length).isCloseTo(dot, within(tolerance));
                assertThat((double) simd.dot(a, b)).as("simd dot, length %d", length).isCloseTo(dot, within(tolerance));
                assertThat((double) scalar.squaredDistance(a, b)).as("scalar distance, length %d", length)
                        .isCloseTo(squared, within(tolerance));
                assertThat((double) simd.squaredDistance(a, b)).as("simd distance, length %d", length)
                        .isCloseTo(squared, within(tolerance));
            }
        }
    }

    @Test
    void searchesPrintTheSameHitsWithAndWithoutTheVectorModule() throws Exception {
        List<String> withModule = run(true);
        List<String> withoutModule = run(false);

        assertThat(withModule.get(0)).startsWith("kernel simd-");
        assertThat(withoutModule.get(0)).isEqualTo("kernel scalar");
        assertThat(withModule).hasSize(1 + 3 * 30 * 10);
        assertThat(withoutModule.subList(1, withoutModule.size()))
                .containsExactlyElementsOf(withModule.subList(1, withModule.size()));
    }

    private static List<String> run(boolean withVectorModule) throws IOException, InterruptedException {
        Process process = ChildJvm.start(withVectorModule, "search");
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("child JVM exit code").isZero();
        return output.lines().collect(java.util.stream.Collectors.toList());
    }

    private static double referenceDot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private static double referenceSquaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
