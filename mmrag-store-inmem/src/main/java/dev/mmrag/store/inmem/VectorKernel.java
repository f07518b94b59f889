package dev.mmrag.store.inmem;

/**
 * The two vector operations the store's distance functions are built from. There are two implementations with
 * the same results up to float rounding: {@link ScalarKernel} (plain loops) and {@link SimdKernel} (the Java
 * Vector API). {@link #INSTANCE} picks one when the class is initialised.
 *
 * <p>The Vector API is, on Java 17 to 25, the incubator module {@code jdk.incubator.vector}, present only when
 * the JVM was started with {@code --add-modules jdk.incubator.vector}. The choice is made by asking the boot
 * module layer whether that module is there, and only then is {@code SimdKernel} loaded (by name), so the class
 * is never loaded in a JVM without the module. Without the flag the results are the same; only slower.
 *
 * <p>Thread-safety: implementations are stateless and safe for concurrent use.
 */
interface VectorKernel {

    /** The module that holds the Vector API. */
    String VECTOR_MODULE = "jdk.incubator.vector";

    /** The kernel this JVM uses: {@link SimdKernel} when {@value #VECTOR_MODULE} is present, else scalar. */
    VectorKernel INSTANCE = select();

    /**
     * @param a a vector
     * @param b a vector of the same length
     * @return the inner product, accumulated in float
     */
    float dot(float[] a, float[] b);

    /**
     * @param a a vector
     * @param b a vector of the same length
     * @return the squared Euclidean distance, accumulated in float
     */
    float squaredDistance(float[] a, float[] b);

    /** @return a short name for logs and benchmarks, such as "simd-512" or "scalar" */
    String name();

    private static VectorKernel select() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new ScalarKernel();
        }
        try {
            return (VectorKernel) Class.forName("dev.mmrag.store.inmem.SimdKernel").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // The module is present but unusable (for example an unsupported CPU): the scalar loops are correct.
            return new ScalarKernel();
        }
    }
}
