package dev.mmrag.ffmpeg;

/**
 * Tells shot changes from a cheap signal on small frames: each frame is reduced to a
 * {@value #GRID_WIDTH}x{@value #GRID_HEIGHT} grid of mean colours (a few pixels sampled per cell), and a frame
 * starts a new shot when, compared with the previous frame, its colour histogram (16 bins per channel over the
 * grid) moves by at least the cut threshold, or its cells' mean absolute difference does (scaled to 0..1). Zooms,
 * pans and moving subjects change both slowly from frame to frame; a cut changes them at once.
 *
 * <p>Thread-safety: not thread-safe; one detector follows one video.
 */
final class ShotDetector {

    /** The grid's width in cells. */
    static final int GRID_WIDTH = 32;
    /** The grid's height in cells. */
    static final int GRID_HEIGHT = 18;
    private static final int CELLS = GRID_WIDTH * GRID_HEIGHT;
    private static final int BINS = 16;

    private final double threshold;
    private int[] previous;
    private int[] current = new int[CELLS * 3];
    private double lastDistance;

    /**
     * @param threshold the change, 0 to 1, from which a frame starts a new shot
     */
    ShotDetector(double threshold) {
        this.threshold = threshold;
    }

    /**
     * Reads a packed 8-bit 3-channel frame (BGR or RGB: the order does not matter here).
     *
     * @param pixels the frame's bytes
     * @param width its width in pixels
     * @param height its height in pixels
     * @param stride bytes per row
     * @return whether this frame starts a new shot (never for the first frame)
     */
    boolean next(java.nio.ByteBuffer pixels, int width, int height, int stride) {
        int[] cells = current;
        for (int gy = 0; gy < GRID_HEIGHT; gy++) {
            int y0 = (int) ((gy + 0.25) * height / GRID_HEIGHT);
            int y1 = (int) ((gy + 0.75) * height / GRID_HEIGHT);
            for (int gx = 0; gx < GRID_WIDTH; gx++) {
                int x0 = (int) ((gx + 0.25) * width / GRID_WIDTH);
                int x1 = (int) ((gx + 0.75) * width / GRID_WIDTH);
                int c = (gy * GRID_WIDTH + gx) * 3;
                int b = 0;
                int g = 0;
                int r = 0;
                for (int y : new int[] {y0, y1}) {
                    for (int x : new int[] {x0, x1}) {
                        int at = y * stride + x * 3;
                        b += pixels.get(at) & 0xFF;
                        g += pixels.get(at + 1) & 0xFF;
                        r += pixels.get(at + 2) & 0xFF;
                    }
                }
                cells[c] = b >> 2;
                cells[c + 1] = g >> 2;
                cells[c + 2] = r >> 2;
            }
        }
        return compare();
    }

    /**
     * Reads a planar 8-bit YUV 4:2:0 frame (as FFmpeg decodes most video), turning each cell's samples into RGB
     * with the BT.601 limited-range formulas, so that the signal means what it means for packed frames.
     *
     * @param y the luma plane
     * @param yStride its bytes per row
     * @param u the U plane (half width, half height)
     * @param v the V plane
     * @param uvStride their bytes per row
     * @param width the frame's width
     * @param height the frame's height
     * @return whether this frame starts a new shot (never for the first frame)
     */
    boolean nextYuv420(java.nio.ByteBuffer y, int yStride, java.nio.ByteBuffer u, java.nio.ByteBuffer v,
            int uvStride, int width, int height) {
        int[] cells = current;
        for (int gy = 0; gy < GRID_HEIGHT; gy++) {
            int y0 = (int) ((gy + 0.25) * height / GRID_HEIGHT);
            int y1 = (int) ((gy + 0.75) * height / GRID_HEIGHT);
            for (int gx = 0; gx < GRID_WIDTH; gx++) {
                int x0 = (int) ((gx + 0.25) * width / GRID_WIDTH);
                int x1 = (int) ((gx + 0.75) * width / GRID_WIDTH);
                double luma = ((y.get(y0 * yStride + x0) & 0xFF) + (y.get(y0 * yStride + x1) & 0xFF)
                        + (y.get(y1 * yStride + x0) & 0xFF) + (y.get(y1 * yStride + x1) & 0xFF)) / 4.0;
                int at = ((y0 + y1) / 4) * uvStride + (x0 + x1) / 4;
                double cb = (u.get(at) & 0xFF) - 128;
                double cr = (v.get(at) & 0xFF) - 128;
                double l = 1.164 * (luma - 16);
                int c = (gy * GRID_WIDTH + gx) * 3;
                cells[c] = clamp(l + 2.018 * cb);
                cells[c + 1] = clamp(l - 0.391 * cb - 0.813 * cr);
                cells[c + 2] = clamp(l + 1.596 * cr);
            }
        }
        return compare();
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    private boolean compare() {
        int[] cells = current;
        boolean cut = false;
        if (previous != null) {
            lastDistance = distance(previous, cells);
            cut = lastDistance >= threshold;
        }
        current = previous == null ? new int[CELLS * 3] : previous;
        previous = cells;
        return cut;
    }

    /**
     * @return how much detail the last frame has, 0 to 1: the mean absolute difference between neighbouring grid
     *     cells (right and below), scaled so that 64 levels of 255 are 1; a plain or smoothly graded wall, a black
     *     frame or a fade is near 0, a frame with objects and edges well above
     */
    double lastDetail() {
        int[] cells = previous;
        if (cells == null) {
            return 0;
        }
        long sum = 0;
        long n = 0;
        for (int gy = 0; gy < GRID_HEIGHT; gy++) {
            for (int gx = 0; gx < GRID_WIDTH; gx++) {
                int c = (gy * GRID_WIDTH + gx) * 3;
                for (int k = 0; k < 3; k++) {
                    if (gx + 1 < GRID_WIDTH) {
                        sum += Math.abs(cells[c + k] - cells[c + 3 + k]);
                        n++;
                    }
                    if (gy + 1 < GRID_HEIGHT) {
                        sum += Math.abs(cells[c + k] - cells[c + GRID_WIDTH * 3 + k]);
                        n++;
                    }
                }
            }
        }
        return Math.min(1, sum / (64.0 * n));
    }

    /** @return the change measured for the last frame, 0 to 1 */
    double lastDistance() {
        return lastDistance;
    }

    /** The larger of the histogram distance and the mean cell difference, each 0 to 1. */
    static double distance(int[] a, int[] b) {
        int[] ha = new int[BINS * 3];
        int[] hb = new int[BINS * 3];
        long diff = 0;
        for (int i = 0; i < a.length; i++) {
            int channel = i % 3;
            ha[channel * BINS + a[i] * BINS / 256]++;
            hb[channel * BINS + b[i] * BINS / 256]++;
            diff += Math.abs(a[i] - b[i]);
        }
        long histogram = 0;
        for (int i = 0; i < ha.length; i++) {
            histogram += Math.abs(ha[i] - hb[i]);
        }
        double histogramDistance = histogram / (2.0 * 3 * CELLS);
        double pixelDistance = diff / (255.0 * a.length) * 4;
        return Math.max(histogramDistance, Math.min(1, pixelDistance));
    }
}
