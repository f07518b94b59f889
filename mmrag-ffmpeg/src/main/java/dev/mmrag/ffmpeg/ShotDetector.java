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
        boolean cut = false;
        if (previous != null) {
            lastDistance = distance(previous, cells);
            cut = lastDistance >= threshold;
        }
        current = previous == null ? new int[CELLS * 3] : previous;
        previous = cells;
        return cut;
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
