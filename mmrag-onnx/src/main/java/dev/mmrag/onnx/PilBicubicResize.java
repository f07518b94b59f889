package dev.mmrag.onnx;

import dev.mmrag.api.EncodingException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Resizes an 8-bit RGB image exactly as Pillow's {@code Image.resize(size, Image.BICUBIC)} does, which is what
 * the reference CLIP preprocessing calls, and writes only a crop window of the result, rescaled and normalised
 * through a lookup table, as channel planes of floats.
 *
 * <p>The algorithm (Pillow's {@code Resample.c}, reimplemented from its description):
 * <ul>
 *   <li>Two separable passes, horizontal first, then vertical; a pass whose size does not change is skipped (here:
 *       it gets a single weight of 1.0, which leaves every sample as it is).</li>
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
 * <p>The horizontal pass runs row by row, just ahead of the vertical pass, into a ring of as many rows as the
 * vertical kernel is tall, so the intermediate image never exists whole and stays in the CPU cache; each output row
 * of the vertical pass goes straight through the lookup table into the target. The inner loops are a
 * {@link ResampleKernel}: the Java Vector API when the JVM has it, plain loops otherwise, with identical results.
 *
 * <p>A large image is split into bands of output rows computed in parallel on the {@link Threads} the caller gives
 * (each band resamples the input rows it needs itself, so the bytes are the same however it is split); no other
 * thread is used.
 *
 * <p>Thread-safety: stateless.
 */
final class PilBicubicResize {

    /** Fractional bits of the fixed-point weights. */
    static final int PRECISION_BITS = 32 - 8 - 2;
    /** One half in fixed point: the rounding term every sum starts from. */
    static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;
    /** Weight multiplications of a horizontal pass above which it runs in parallel (a 2-Mpx photo has ~5M). */
    private static final long PARALLEL_WORK = 2_000_000;

    private PilBicubicResize() {
    }

    /**
     * The threads one resize may use: the calling thread, and up to {@code threads - 1} bands offered to
     * {@code helpers} (a pool the caller owns, such as the encoder's preprocessing pool). A band that no helper has
     * started when the calling thread has finished its own is run by the calling thread, so a busy pool (even the
     * pool the calling thread belongs to) only makes the resize less parallel: it never waits for a queued band.
     *
     * @param helpers where bands other than the calling thread's are offered
     * @param threads the most threads one resize uses, the calling thread included, positive
     */
    record Threads(Executor helpers, int threads) {
        /** The calling thread alone. */
        static final Threads CALLING_THREAD = new Threads(Runnable::run, 1);

        Threads {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive, got " + threads);
            }
        }
    }

    /**
     * Where the crop window lies in the resized image.
     *
     * @param resizedWidth the width of the resized image
     * @param resizedHeight the height of the resized image
     * @param left the first column of the crop window, in the resized image
     * @param top the first row of the crop window, in the resized image
     * @param width the width of the crop window
     * @param height the height of the crop window
     */
    record Crop(int resizedWidth, int resizedHeight, int left, int top, int width, int height) {
        Crop {
            if (width < 1 || height < 1 || left < 0 || top < 0 || left + width > resizedWidth
                    || top + height > resizedHeight) {
                throw new IllegalArgumentException("crop " + width + "x" + height + " at (" + left + ", " + top
                        + ") is outside the resized " + resizedWidth + "x" + resizedHeight + " image");
            }
        }

        /** @return the number of samples of one channel plane of the crop */
        int plane() {
            return width * height;
        }
    }

    /**
     * Resizes, crops, and writes {@code table[c][sample]} for every 8-bit sample of channel {@code c} of the crop,
     * channels first: sample {@code (x, y)} of channel {@code c} goes to
     * {@code target[index + c * crop.plane() + y * crop.width() + x]}.
     *
     * @param source the image
     * @param crop the resized size and the window kept
     * @param table three lookup tables of 256 entries (R, G, B)
     * @param target the buffer written (absolute puts; its position and limit are not used or changed)
     * @param index where the first plane starts
     * @param threads the threads a large image may be split across
     * @throws EncodingException when the calling thread is interrupted while helpers finish their bands
     */
    static void resizeAndCrop(RgbImage source, Crop crop, float[][] table, FloatBuffer target, int index,
            Threads threads) {
        resizeAndCrop(ResampleKernel.INSTANCE, source, crop, table, target, index, threads);
    }

    /** As {@link #resizeAndCrop(RgbImage, Crop, float[][], FloatBuffer, int, Threads)}, with the given kernel. */
    static void resizeAndCrop(ResampleKernel kernel, RgbImage source, Crop crop, float[][] table, FloatBuffer target,
            int index, Threads threads) {
        Weights columns = Weights.cached(source.width(), crop.resizedWidth(), crop.left(), crop.width());
        Weights rows = Weights.cached(source.height(), crop.resizedHeight(), crop.top(), crop.height());
        long work = (long) (rows.end() - rows.first()) * columns.count * columns.maxLength();
        int parts = work < PARALLEL_WORK ? 1 : Math.min(crop.height(), threads.threads());
        List<FutureTask<Void>> offered = new ArrayList<>(parts - 1);
        for (int part = 1; part < parts; part++) {
            int from = crop.height() * part / parts;
            int to = crop.height() * (part + 1) / parts;
            FutureTask<Void> band = new FutureTask<>(() -> new Band(kernel, source, columns, rows, table, target,
                    index, crop).run(from, to), null);
            offered.add(band);
            try {
                threads.helpers().execute(band);
            } catch (RejectedExecutionException e) {
                // The pool is shutting down: the loop below runs this band on the calling thread.
            }
        }
        new Band(kernel, source, columns, rows, table, target, index, crop).run(0, crop.height() / parts);
        for (FutureTask<Void> band : offered) {
            band.run(); // does nothing when a helper has started it
        }
        for (FutureTask<Void> band : offered) {
            await(band);
        }
    }

    private static void await(FutureTask<Void> band) {
        try {
            band.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw (RuntimeException) cause; // a band throws nothing checked
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EncodingException("interrupted while resizing an image", e);
        }
    }

    /**
     * @param sum a fixed-point sum, the rounding term included
     * @return the 8-bit sample: the sum's integer part clamped to 0..255
     */
    static int clip8(int sum) {
        return Math.min(Math.max(sum >> PRECISION_BITS, 0), 255);
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
     * Output rows of the crop, computed by one thread: the horizontal pass fills a ring of rows just ahead of the
     * vertical pass, whose rows go through the lookup table into the target.
     */
    private static final class Band {
        private final ResampleKernel kernel;
        private final ResampleKernel.HorizontalPass horizontal;
        private final Weights rows;
        private final int ringRows;
        private final int rowStride;
        private final int[] ring;
        private final int[] tapOffsets;
        private final int[] samples;
        private final float[] values;
        private final float[][] table;
        private final FloatBuffer target;
        private final int index;
        private final Crop crop;

        Band(ResampleKernel kernel, RgbImage source, Weights columns, Weights rows, float[][] table,
                FloatBuffer target, int index, Crop crop) {
            this.kernel = kernel;
            this.horizontal = kernel.horizontal(source, columns);
            this.rows = rows;
            this.ringRows = rows.maxLength();
            this.rowStride = columns.count * kernel.pixelStride() + kernel.rowSlack();
            this.ring = new int[ringRows * rowStride];
            this.tapOffsets = new int[ringRows];
            this.samples = new int[columns.count * kernel.pixelStride()];
            this.values = new float[columns.count];
            this.table = table;
            this.target = target;
            this.index = index;
            this.crop = crop;
        }

        /** Computes output rows {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to) {
            int next = rows.start[from];
            for (int y = from; y < to; y++) {
                int start = rows.start[y];
                int taps = rows.length[y];
                next = Math.max(next, start);
                for (; next < start + taps; next++) {
                    horizontal.resample(next, ring, slot(next));
                }
                for (int t = 0; t < taps; t++) {
                    tapOffsets[t] = slot(start + t);
                }
                kernel.vertical(ring, tapOffsets, rows.weights, y * rows.stride, taps, samples.length, samples);
                write(y);
            }
        }

        /** The ring slot of input row {@code row}: rows in use are never more than the ring holds. */
        private int slot(int row) {
            return row % ringRows * rowStride;
        }

        private void write(int y) {
            int pixelStride = kernel.pixelStride();
            for (int c = 0; c < 3; c++) {
                float[] channel = table[c];
                for (int x = 0, i = c; x < values.length; x++, i += pixelStride) {
                    values[x] = channel[samples[i]];
                }
                target.put(index + c * crop.plane() + y * crop.width(), values);
            }
        }
    }

    /**
     * The fixed-point weights of output positions {@code first .. first + count - 1} of a resize from
     * {@code inSize} to {@code outSize} samples: output {@code i} reads {@code length[i]} input samples from
     * {@code start[i]}, with weights {@code weights[i * stride ...]}; the weights from {@code length[i]} to
     * {@code stride} are zero. Starts and ends never decrease with {@code i}.
     */
    static final class Weights {
        /** How many {@link #cached} keeps: the sizes of a few kinds of image (a catalogue's, a camera's). */
        private static final int CACHED = 16;
        private static final Map<List<Integer>, Weights> CACHE = new LinkedHashMap<>(CACHED, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Integer>, Weights> eldest) {
                return size() > CACHED;
            }
        };

        final int count;
        final int stride;
        final int[] start;
        final int[] length;
        final int[] weights;
        private int maxLength;
        /** What {@link #layout} made last: a kernel's own arrangement of these weights, and its key. */
        private volatile Layout layout;

        private Weights(int count, int stride) {
            this.count = count;
            this.stride = stride;
            this.start = new int[count];
            this.length = new int[count];
            this.weights = new int[count * stride];
        }

        /**
         * The weights of a pass, as {@link #of} or, when the size does not change, {@link #identity}, shared with
         * the other resizes of the same sizes: an encoder sees the same image size again and again, and computing
         * the weights (and a kernel's {@link #layout} of them) can cost a third of a small image's resize. The
         * least recently used are dropped beyond 16 sizes.
         */
        static Weights cached(int inSize, int outSize, int first, int count) {
            List<Integer> key = List.of(inSize, outSize, first, count);
            synchronized (CACHE) {
                Weights weights = CACHE.get(key);
                if (weights != null) {
                    return weights;
                }
            }
            // Computed outside the lock: two threads may both compute the same weights, which is harmless.
            Weights weights = inSize == outSize ? identity(first, count) : of(inSize, outSize, first, count);
            synchronized (CACHE) {
                CACHE.put(key, weights);
            }
            return weights;
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
            result.maxLength = max(result.length);
            return result;
        }

        /** @return the weights of a pass that keeps the size: output {@code i} is input {@code first + i}, as is */
        static Weights identity(int first, int count) {
            Weights result = new Weights(count, 1);
            for (int i = 0; i < count; i++) {
                result.start[i] = first + i;
                result.length[i] = 1;
                result.weights[i] = 1 << PRECISION_BITS;
            }
            result.maxLength = 1;
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

        /** @return the largest number of input samples one output reads */
        int maxLength() {
            return maxLength;
        }

        /**
         * A kernel's own arrangement of these weights, made once per {@code kind} and kept while no other kind is
         * asked for (a JVM uses one kernel, so in practice once).
         *
         * @param kind what the arrangement is, compared with {@code equals}
         * @param make makes it from these weights
         * @return the arrangement, which the caller must not modify
         */
        int[] layout(Object kind, Function<Weights, int[]> make) {
            Layout current = layout;
            if (current == null || !current.kind.equals(kind)) {
                current = new Layout(kind, make.apply(this));
                layout = current;
            }
            return current.values;
        }

        private static int max(int[] values) {
            int max = 0;
            for (int n : values) {
                max = Math.max(max, n);
            }
            return max;
        }

        private record Layout(Object kind, int[] values) {
        }
    }
}
