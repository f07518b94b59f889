package dev.mmrag.onnx;

/**
 * {@link ResampleKernel} in plain Java loops, used when the Vector API module is absent.
 *
 * <p>The horizontal pass sums red and blue together in one {@code long}: a pixel is packed as
 * {@code red << 32 | blue}, so one 64-bit multiply-add per weight does the work of two 32-bit ones (both sums stay
 * below 2^31 in magnitude, so the low 32 bits are exactly the blue sum and the rest, shifted down, exactly the red
 * sum). Every output pixel of a row reads the same number of weights (the longest; the others end in zero
 * weights over zero samples), so the loop's end is predictable. The vertical pass sums whole rows at a time,
 * simple loops over ints that the JIT compiles to vector instructions.
 *
 * <p>Thread-safety: stateless.
 */
final class ScalarResampleKernel implements ResampleKernel {

    @Override
    public int pixelStride() {
        return 3;
    }

    @Override
    public int rowSlack() {
        return 0;
    }

    @Override
    public HorizontalPass horizontal(RgbImage source, PilBicubicResize.Weights columns) {
        return new Rows(source, columns);
    }

    @Override
    public void vertical(int[] band, int[] offsets, int[] weights, int from, int taps, int length, int[] out) {
        java.util.Arrays.fill(out, 0, length, PilBicubicResize.HALF);
        for (int t = 0; t < taps; t++) {
            int weight = weights[from + t];
            int in = offsets[t];
            for (int i = 0; i < length; i++) {
                out[i] += band[in + i] * weight;
            }
        }
        for (int i = 0; i < length; i++) {
            out[i] = PilBicubicResize.clip8(out[i]);
        }
    }

    @Override
    public String name() {
        return "scalar";
    }

    /** The horizontal pass of one image, with its scratch rows. */
    private static final class Rows implements HorizontalPass {
        private final RgbImage source;
        private final PilBicubicResize.Weights columns;
        private final int firstColumn;
        private final int taps;
        private final long[] redBlue;
        private final int[] greens;

        Rows(RgbImage source, PilBicubicResize.Weights columns) {
            this.source = source;
            this.columns = columns;
            this.firstColumn = columns.first();
            this.taps = columns.maxLength();
            int width = columns.end() - firstColumn;
            this.redBlue = new long[width + taps];
            this.greens = new int[width + taps];
        }

        @Override
        public void resample(int y, int[] band, int offset) {
            byte[] data = source.data();
            int pixelStride = source.pixelStride();
            int red = source.channelOffset(0);
            int green = source.channelOffset(1);
            int blue = source.channelOffset(2);
            int width = columns.end() - firstColumn;
            int p = y * source.rowStride() + firstColumn * pixelStride;
            for (int i = 0; i < width; i++, p += pixelStride) {
                redBlue[i] = (long) (data[p + red] & 0xFF) << 32 | (data[p + blue] & 0xFF);
                greens[i] = data[p + green] & 0xFF;
            }
            int[] start = columns.start;
            int[] weights = columns.weights;
            int o = offset;
            for (int x = 0; x < columns.count; x++) {
                int i = start[x] - firstColumn;
                int k = x * columns.stride;
                long redBlueSum = (long) PilBicubicResize.HALF << 32 | PilBicubicResize.HALF;
                int greenSum = PilBicubicResize.HALF;
                for (int t = 0; t < taps; t++) {
                    int weight = weights[k + t];
                    redBlueSum += redBlue[i + t] * weight;
                    greenSum += greens[i + t] * weight;
                }
                int blueSum = (int) redBlueSum;
                band[o++] = PilBicubicResize.clip8((int) ((redBlueSum - blueSum) >> 32));
                band[o++] = PilBicubicResize.clip8(greenSum);
                band[o++] = PilBicubicResize.clip8(blueSum);
            }
        }
    }
}
