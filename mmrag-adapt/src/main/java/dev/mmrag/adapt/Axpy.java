package dev.mmrag.adapt;

/**
 * The one vector operation the adapter and its trainer are built from, {@code y[yOff + i] += a * x[xOff + i]}:
 * applying a map, accumulating a gradient and the optimizer step are all written as sums of scaled rows, so that
 * they vectorise. There are two implementations, {@link ScalarAxpy} (a plain loop) and {@link SimdAxpy} (the Java
 * Vector API); both multiply and then add, each rounded to float as Java's {@code a * x + y} is (no fused
 * multiply-add), so they give the same results bit for bit and training is reproducible whichever runs.
 *
 * <p>The Vector API is, on Java 17 to 25, the incubator module {@code jdk.incubator.vector}, present only when the
 * JVM was started with {@code --add-modules jdk.incubator.vector}. {@link #INSTANCE} asks the boot module layer
 * whether it is there and only then loads {@code SimdAxpy} (by name), so that class is never loaded in a JVM
 * without the module.
 *
 * <p>Thread-safety: implementations are stateless and safe for concurrent use.
 */
interface Axpy {

    /** The module that holds the Vector API. */
    String VECTOR_MODULE = "jdk.incubator.vector";

    /** The implementation this JVM uses: {@link SimdAxpy} when {@value #VECTOR_MODULE} is present, else scalar. */
    Axpy INSTANCE = select();

    /**
     * {@code y[yOff + i] += a * x[xOff + i]} for {@code i < n}.
     *
     * @param a the scale
     * @param x the scaled vector
     * @param xOff where it starts in {@code x}
     * @param y the vector added to
     * @param yOff where it starts in {@code y}
     * @param n how many components
     */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /** @return a short name for logs and benchmarks, such as "simd-256" or "scalar" */
    String name();

    private static Axpy select() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new ScalarAxpy();
        }
        try {
            return (Axpy) Class.forName("dev.mmrag.adapt.SimdAxpy").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // The module is present but unusable (an unsupported CPU, say): the scalar loop gives the same numbers.
            return new ScalarAxpy();
        }
    }
}
