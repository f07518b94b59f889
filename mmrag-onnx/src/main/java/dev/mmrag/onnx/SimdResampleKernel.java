package dev.mmrag.onnx;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ResampleKernel} on the Java Vector API, with the widest int vectors the CPU has (16 lanes with AVX-512, 8
 * with AVX2, 4 with SSE or NEON).
 *
 * <p>Horizontal pass: a row is widened to four ints a pixel (R, G, B, 0) (for packed 3-byte pixels, the usual
 * decoded JPEG, with one byte shuffle and one widening conversion per vector), so one vector holds
 * {@code lanes / 4} consecutive pixels; multiplied by a vector of the matching weights, each repeated four times,
 * it adds that many weights' worth of products for the three channels at once. Each output pixel's weights are
 * padded with zeros to a whole number of vectors. Adding the vector to itself shifted by half, then a quarter, ...
 * of its lanes leaves the three channel sums in lanes 0 to 2. The whole vector is stored, so the lanes after the
 * pixel's four are scratch ({@link #rowSlack()}), overwritten by the next pixel.
 *
 * <p>Vertical pass: each vector of a row accumulates all the input rows' products in a register, then is shifted
 * and clamped to 0..255.
 *
 * <p>Only {@link ResampleKernel} loads this class, and only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>Thread-safety: stateless.
 */
final class SimdResampleKernel implements ResampleKernel {

    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED.length() > 16
            ? IntVector.SPECIES_512 : IntVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int PIXEL = 4;
    private static final int PIXELS_PER_VECTOR = LANES / PIXEL;
    /** Brings lane {@code i + lanes / 2} to lane {@code i}: adding it halves the pixels a vector holds. */
    private static final VectorShuffle<Integer> FOLD_HALF = fold(LANES / 2);
    /** Brings lane {@code i + lanes / 4} to lane {@code i}. */
    private static final VectorShuffle<Integer> FOLD_QUARTER = fold(LANES / 4);
    /**
     * Bytes as many as {@link #SPECIES} has int lanes, from which one shuffle and one widening make
     * {@link #PIXELS_PER_VECTOR} pixels of four ints; null when no byte vector is that short (4 lanes).
     */
    private static final VectorSpecies<Byte> BYTES = LANES < 8 ? null
            : VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));
    /** Keeps the low byte of R, G and B (widening extends the sign), and zeroes the fourth int of each pixel. */
    private static final IntVector LOW_BYTES = IntVector.fromArray(SPECIES, lowBytes(), 0);
    /** The key of this kernel's {@link PilBicubicResize.Weights#layout}. */
    private static final String LAYOUT = "simd-repeated-" + LANES;

    /** @throws IllegalStateException when the CPU's int vectors hold fewer than one pixel (4 lanes) */
    SimdResampleKernel() {
        if (LANES < PIXEL) {
            throw new IllegalStateException("int vectors of " + LANES + " lanes hold no whole RGB pixel");
        }
    }

    @Override
    public int pixelStride() {
        return PIXEL;
    }

    @Override
    public int rowSlack() {
        return LANES - PIXEL;
    }

    @Override
    public HorizontalPass horizontal(RgbImage source, PilBicubicResize.Weights columns) {
        return new Rows(source, columns);
    }

    @Override
    public void vertical(int[] band, int[] offsets, int[] weights, int from, int taps, int length, int[] out) {
        int i = 0;
        for (int bound = SPECIES.loopBound(length); i < bound; i += LANES) {
            IntVector sum = IntVector.broadcast(SPECIES, PilBicubicResize.HALF);
            for (int t = 0; t < taps; t++) {
                sum = sum.add(IntVector.fromArray(SPECIES, band, offsets[t] + i).mul(weights[from + t]));
            }
            clip8(sum).intoArray(out, i);
        }
        for (; i < length; i++) {
            int sum = PilBicubicResize.HALF;
            for (int t = 0; t < taps; t++) {
                sum += band[offsets[t] + i] * weights[from + t];
            }
            out[i] = PilBicubicResize.clip8(sum);
        }
    }

    @Override
    public String name() {
        return "simd-" + SPECIES.vectorBitSize();
    }

    private static IntVector clip8(IntVector sum) {
        return sum.lanewise(VectorOperators.ASHR, PilBicubicResize.PRECISION_BITS).max(0).min(255);
    }

    private static int[] lowBytes() {
        int[] mask = new int[LANES];
        for (int lane = 0; lane < LANES; lane++) {
            mask[lane] = lane % PIXEL == 3 ? 0 : 0xFF;
        }
        return mask;
    }

    private static VectorShuffle<Integer> fold(int by) {
        return VectorShuffle.fromOp(SPECIES, lane -> (lane + by) % LANES);
    }

    /** The horizontal pass of one image: the weights laid out for whole vectors, and a widened scratch row. */
    private static final class Rows implements HorizontalPass {
        private final RgbImage source;
        private final int count;
        private final int firstColumn;
        private final int width;
        private final int[] start;
        private final int vectors;
        private final int[] weights;
        private final int[] pixels;
        /** Turns the bytes of packed 3-byte pixels into R, G, B, x lanes; null for other layouts. */
        private final VectorShuffle<Byte> widening;
        /** The smallest channel offset of a pixel: where {@link #widening}'s bytes are read from. */
        private final int widenFrom;

        Rows(RgbImage source, PilBicubicResize.Weights columns) {
            this.source = source;
            int[] offsets = {source.channelOffset(0), source.channelOffset(1), source.channelOffset(2)};
            this.widenFrom = Math.min(offsets[0], Math.min(offsets[1], offsets[2]));
            this.widening = BYTES == null || source.pixelStride() != 3 ? null : VectorShuffle.fromOp(BYTES,
                    lane -> lane % PIXEL == 3 ? 0 : 3 * (lane / PIXEL) + offsets[lane % PIXEL] - widenFrom);
            this.count = columns.count;
            this.firstColumn = columns.first();
            this.width = columns.end() - firstColumn;
            this.start = columns.start;
            this.vectors = (columns.maxLength() + PIXELS_PER_VECTOR - 1) / PIXELS_PER_VECTOR;
            int taps = vectors * PIXELS_PER_VECTOR;
            this.weights = columns.layout(LAYOUT, w -> repeatedWeights(w, taps));
            this.pixels = new int[(width + taps) * PIXEL];
        }

        /** Each output pixel's weights, padded with zeros to {@code taps}, each repeated for the 4 ints of a pixel. */
        private static int[] repeatedWeights(PilBicubicResize.Weights columns, int taps) {
            int[] repeated = new int[columns.count * taps * PIXEL];
            for (int x = 0; x < columns.count; x++) {
                for (int t = 0; t < columns.length[x]; t++) {
                    int weight = columns.weights[x * columns.stride + t];
                    for (int c = 0; c < PIXEL; c++) {
                        repeated[(x * taps + t) * PIXEL + c] = weight;
                    }
                }
            }
            return repeated;
        }

        @Override
        public void resample(int y, int[] band, int offset) {
            byte[] data = source.data();
            int pixelStride = source.pixelStride();
            int red = source.channelOffset(0);
            int green = source.channelOffset(1);
            int blue = source.channelOffset(2);
            int p = y * source.rowStride() + firstColumn * pixelStride;
            int column = 0;
            int at = 0;
            if (widening != null) {
                // PIXELS_PER_VECTOR pixels at a time, while a whole vector of bytes can be read from the array.
                for (int end = data.length - BYTES.length() - widenFrom; column + PIXELS_PER_VECTOR <= width
                        && p <= end; column += PIXELS_PER_VECTOR, p += 3 * PIXELS_PER_VECTOR, at += LANES) {
                    ((IntVector) ByteVector.fromArray(BYTES, data, p + widenFrom).rearrange(widening)
                            .castShape(SPECIES, 0)).and(LOW_BYTES).intoArray(pixels, at);
                }
            }
            for (; column < width; column++, p += pixelStride, at += PIXEL) {
                pixels[at] = data[p + red] & 0xFF;
                pixels[at + 1] = data[p + green] & 0xFF;
                pixels[at + 2] = data[p + blue] & 0xFF;
            }
            IntVector half = IntVector.broadcast(SPECIES, PilBicubicResize.HALF);
            for (int x = 0, k = 0, o = offset; x < count; x++, o += PIXEL) {
                int i = (start[x] - firstColumn) * PIXEL;
                IntVector sum = IntVector.zero(SPECIES);
                for (int v = 0; v < vectors; v++, i += LANES, k += LANES) {
                    sum = sum.add(IntVector.fromArray(SPECIES, pixels, i).mul(IntVector.fromArray(SPECIES, weights, k)));
                }
                if (PIXELS_PER_VECTOR >= 2) {
                    sum = sum.add(sum.rearrange(FOLD_HALF));
                }
                if (PIXELS_PER_VECTOR == 4) {
                    sum = sum.add(sum.rearrange(FOLD_QUARTER));
                }
                clip8(sum.add(half)).intoArray(band, o);
            }
        }
    }
}
