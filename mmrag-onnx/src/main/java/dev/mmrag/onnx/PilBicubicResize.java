package dev.mmrag.onnx;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Resizes an 8-bit RGB image exactly as Pillow's {@code Image.resize(size, Image.BICUBIC)} does, which is what
 * the reference CLIP preprocessing calls, and returns only a crop window of the result.
 *
 * <p>The algorithm (Pillow's {@code Resample.c}, reimplemented from its description):
 * <ul>
 *   <li>Two separable passes, horizontal first, then vertical; a pass whose size does not change is skipped.</li>
 *   <li>For output position {@code i} of a pass from {@code in} to {@code out} samples, {@code scale = in / out}
 *       and the kernel is widened when downscaling (antialiasing): {@code filterScale = max(scale, 1)},
 *       {@code support = 2 * filterScale}. The centre is {@code (i + 0.5) * scale}; input samples
 *       {@code (int)(centre - support + 0.5)} up to {@code (int)(centre + support + 0.5)} (clamped to the image)
 *       get the weight {@code cubic((j - centre + 0.5) / filterScale)} with the Keys cubic, {@code a = -0.5};
 *       the weights are divided by their sum.</li>
 *   <li>Weights become fixed-point integers with 22 fractional bits, rounded half away from zero; each output
 *       sample is {@code (2^21 + sum(sample * weight)) >> 22}, clamped to 0..255, after <em>each</em> pass.</li>
 * </ul>
 * Integer sums are exact, so computing only the crop window (only the columns the crop keeps in the horizontal
 * pass, and only the rows the vertical pass reads) gives the same bytes as resizing everything and cropping.
 *
 * <p>Thread-safety: stateless; a large horizontal pass uses the common fork-join pool.
 */
final class PilBicubicResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;
    /** Weight multiplications of a horizontal pass above which it runs in parallel (a 2-Mpx photo has ~5M). */
    private static final long PARALLEL_WORK = 2_000_000;

    private PilBicubicResize() {
    }

    /**
     * @param source the image
     * @param outWidth the width of the resized image
     * @param outHeight the height of the resized image
     * @param left the first column of the crop window, in the resized image
     * @param top the first row of the crop window, in the resized image
     * @param cropWidth the width of the crop window
     * @param cropHeight the height of the crop window
     * @return the crop window of the resized image, 3 samples (R, G, B, each 0 to 255) a pixel, row after row
     */
    static int[] resizeAndCrop(RgbImage source, int outWidth, int outHeight, int left, int top, int cropWidth,
            int cropHeight) {
        if (left < 0 || top < 0 || left + cropWidth > outWidth || top + cropHeight > outHeight) {
            throw new IllegalArgumentException("crop " + cropWidth + "x" + cropHeight + " at (" + left + ", " + top
                    + ") is outside the resized " + outWidth + "x" + outHeight + " image");
        }
        boolean vertical = outHeight != source.height();
        Weights rows = vertical ? Weights.of(source.height(), outHeight, top, cropHeight) : null;
        int firstRow = vertical ? rows.first() : top;
        int rowCount = vertical ? rows.end() - firstRow : cropHeight;
        int rowLength = 3 * cropWidth;

        int[] band = new int[rowCount * rowLength];
        if (outWidth != source.width()) {
            horizontalPass(source, Weights.of(source.width(), outWidth, left, cropWidth), firstRow, rowCount, band);
        } else {
            copyColumns(source, left, cropWidth, firstRow, rowCount, band);
        }
        if (!vertical) {
            return band;
        }
        int[] out = new int[cropHeight * rowLength];
        verticalPass(band, rowLength, firstRow, rows, out);
        return out;
    }

    /**
     * The horizontal pass of a large image (a photo of several megapixels) is split into row ranges computed in
     * parallel on the common fork-join pool; each output sample is computed exactly as before, only sooner.
     */
    private static void horizontalPass(RgbImage source, Weights columns, int firstRow, int rowCount, int[] band) {
        long work = (long) rowCount * columns.count * (columns.stride / 2);
        int parts = work < PARALLEL_WORK ? 1 : Math.min(rowCount, ForkJoinPool.getCommonPoolParallelism() + 1);
        if (parts == 1) {
            horizontalRows(source, columns, firstRow, 0, rowCount, band);
        } else {
            IntStream.range(0, parts).parallel().forEach(part -> horizontalRows(source, columns, firstRow,
                    (int) ((long) rowCount * part / parts), (int) ((long) rowCount * (part + 1) / parts), band));
        }
    }

    /**
     * Red and blue are summed together in one {@code long}: a pixel is packed as {@code red << 32 | blue}, so one
     * 64-bit multiply-add per weight does the work of two 32-bit ones. Both sums stay below 2^31 in magnitude, so
     * the low 32 bits are exactly the blue sum and the rest, shifted down, exactly the red sum.
     */
    private static void horizontalRows(RgbImage source, Weights columns, int firstRow, int from, int to, int[] band) {
        byte[] data = source.data();
        int pixelStride = source.pixelStride();
        int red = source.channelOffset(0);
        int green = source.channelOffset(1);
        int blue = source.channelOffset(2);
        int firstColumn = columns.first();
        int width = columns.end() - firstColumn;
        long[] redBlue = new long[width];
        int[] greens = new int[width];
        int[] start = columns.start;
        int[] length = columns.length;
        int[] weights = columns.weights;
        int o = from * 3 * columns.count;
        for (int y = from; y < to; y++) {
            int p = (firstRow + y) * source.rowStride() + firstColumn * pixelStride;
            for (int i = 0; i < width; i++, p += pixelStride) {
                redBlue[i] = (long) (data[p + red] & 0xFF) << 32 | (data[p + blue] & 0xFF);
                greens[i] = data[p + green] & 0xFF;
            }
            for (int x = 0; x < columns.count; x++) {
                int i = start[x] - firstColumn;
                int k = x * columns.stride;
                int end = k + length[x];
                long redBlueSum = (long) HALF << 32 | HALF;
                int greenSum = HALF;
                for (; k < end; k++, i++) {
                    int weight = weights[k];
                    redBlueSum += redBlue[i] * weight;
                    greenSum += greens[i] * weight;
                }
                int blueSum = (int) redBlueSum;
                band[o++] = clip8((int) ((redBlueSum - blueSum) >> 32));
                band[o++] = clip8(greenSum);
                band[o++] = clip8(blueSum);
            }
        }
    }

    private static void copyColumns(RgbImage source, int left, int cropWidth, int firstRow, int rowCount, int[] band) {
        int o = 0;
        for (int y = firstRow; y < firstRow + rowCount; y++) {
            for (int x = left; x < left + cropWidth; x++) {
                for (int c = 0; c < 3; c++) {
                    band[o++] = source.sample(x, y, c);
                }
            }
        }
    }

    /** Sums whole rows at a time: a simple loop over ints that the JIT compiles to vector instructions. */
    private static void verticalPass(int[] band, int rowLength, int firstRow, Weights rows, int[] out) {
        int[] sums = new int[rowLength];
        for (int y = 0; y < rows.count; y++) {
            Arrays.fill(sums, HALF);
            int k = y * rows.stride;
            for (int t = 0; t < rows.length[y]; t++) {
                int weight = rows.weights[k + t];
                int in = (rows.start[y] - firstRow + t) * rowLength;
                for (int i = 0; i < rowLength; i++) {
                    sums[i] += band[in + i] * weight;
                }
            }
            int o = y * rowLength;
            for (int i = 0; i < rowLength; i++) {
                out[o + i] = clip8(sums[i]);
            }
        }
    }

    private static int clip8(int sum) {
        int value = sum >> PRECISION_BITS;
        return value < 0 ? 0 : Math.min(value, 255);
    }

    /** The Keys cubic with {@code a = -0.5}, as Pillow writes it (the operation order matters for exactness). */
    static double cubic(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0.0;
    }

    /**
     * The fixed-point weights of output positions {@code first .. first + count - 1} of a resize from
     * {@code inSize} to {@code outSize} samples: output {@code i} reads {@code length[i]} input samples from
     * {@code start[i]}, with weights {@code weights[i * stride ...]}.
     */
    static final class Weights {
        final int count;
        final int stride;
        final int[] start;
        final int[] length;
        final int[] weights;

        private Weights(int count, int stride) {
            this.count = count;
            this.stride = stride;
            this.start = new int[count];
            this.length = new int[count];
            this.weights = new int[count * stride];
        }

        static Weights of(int inSize, int outSize, int first, int count) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            Weights result = new Weights(count, (int) Math.ceil(support) * 2 + 1);
            double[] real = new double[result.stride];
            for (int i = 0; i < count; i++) {
                double center = (first + i + 0.5) * scale;
                double inverseScale = 1.0 / filterScale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize);
                int n = max - min;
                double sum = 0.0;
                for (int t = 0; t < n; t++) {
                    real[t] = cubic((t + min - center + 0.5) * inverseScale);
                    sum += real[t];
                }
                for (int t = 0; t < n; t++) {
                    double w = sum != 0.0 ? real[t] / sum : real[t];
                    result.weights[i * result.stride + t] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS)
                            : 0.5 + w * (1 << PRECISION_BITS));
                }
                result.start[i] = min;
                result.length[i] = n;
            }
            return result;
        }

        /** @return the first input sample any output reads */
        int first() {
            return start[0];
        }

        /** @return one past the last input sample any output reads */
        int end() {
            return start[count - 1] + length[count - 1];
        }
    }
}
