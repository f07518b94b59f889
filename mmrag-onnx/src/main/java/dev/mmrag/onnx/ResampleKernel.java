package dev.mmrag.onnx;

/**
 * The inner loops of {@link PilBicubicResize}'s two passes. There are two implementations with identical results,
 * sample for sample (integer arithmetic, no rounding differences): {@link ScalarResampleKernel} (plain loops) and
 * {@link SimdResampleKernel} (the Java Vector API). {@link #INSTANCE} picks one when the class is initialised.
 *
 * <p>The Vector API is, on Java 17 to 25, the incubator module {@code jdk.incubator.vector}, present only when the
 * JVM was started with {@code --add-modules jdk.incubator.vector}. The choice is made by asking the boot module
 * layer whether that module is there, and only then is {@code SimdResampleKernel} loaded (by name), so the class is
 * never loaded in a JVM without the module. Without the flag the results are the same; only slower.
 *
 * <p>Thread-safety: implementations are stateless and safe for concurrent use; a {@link HorizontalPass} belongs to
 * one thread.
 */
interface ResampleKernel {

    /** The module that holds the Vector API. */
    String VECTOR_MODULE = "jdk.incubator.vector";

    /** The kernel this JVM uses: {@link SimdResampleKernel} when {@value #VECTOR_MODULE} is present, else scalar. */
    ResampleKernel INSTANCE = select();

    /**
     * @return the ints a pixel takes in a row the horizontal pass writes: R, G, B, then any unused ints (so 3
     *     or more)
     */
    int pixelStride();

    /** @return how many ints after a row's pixels the horizontal pass may overwrite with scratch values */
    int rowSlack();

    /**
     * @param source the image
     * @param columns the horizontal pass's weights
     * @return a horizontal pass over the image's rows, for one thread
     */
    HorizontalPass horizontal(RgbImage source, PilBicubicResize.Weights columns);

    /**
     * One output row of the vertical pass:
     * {@code out[i] = clip8(HALF + sum over t < taps of band[offsets[t] + i] * weights[from + t])} for
     * {@code i < length}, with {@link PilBicubicResize#clip8}.
     *
     * @param band the rows of the horizontal pass
     * @param offsets where each input row of the sum starts in {@code band}
     * @param weights the vertical pass's weights
     * @param from the first weight of this output row
     * @param taps the number of input rows
     * @param length the number of ints of a row
     * @param out the output row
     */
    void vertical(int[] band, int[] offsets, int[] weights, int from, int taps, int length, int[] out);

    /** @return a short name for logs and benchmarks, such as "simd-512" or "scalar" */
    String name();

    /** The horizontal pass over one image's rows. Not thread-safe: it holds scratch rows. */
    interface HorizontalPass {

        /**
         * Resamples one row: output pixel {@code x} goes to {@code band[offset + x * pixelStride() + c]} for
         * {@code c} = 0 (R), 1 (G), 2 (B), clamped to 0..255; up to {@link #rowSlack()} ints after the row may be
         * overwritten.
         *
         * @param y the row of the image
         * @param band the array written
         * @param offset where the output row starts
         */
        void resample(int y, int[] band, int offset);
    }

    private static ResampleKernel select() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new ScalarResampleKernel();
        }
        try {
            return (ResampleKernel) Class.forName("dev.mmrag.onnx.SimdResampleKernel").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // The module is present but unusable (for example vectors too short): the scalar loops are correct.
            return new ScalarResampleKernel();
        }
    }
}
