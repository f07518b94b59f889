package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel and the scalar one give the same samples, bit for bit, on random images and crops of many
 * shapes: downscaling by little and by a lot (so weights of every length), upscaling, one pass skipped, widths
 * that are not a multiple of the vector lanes, crops anywhere in the resized image, and the pixel layouts decoders
 * produce (packed RGB, BGR, RGBA with alpha first or last, grey). The Pillow comparison
 * ({@link PilBicubicResizeTest}) covers real images for both kernels; this covers the shapes it does not.
 */
class ResampleKernelParityTest {

    private static final ResampleKernel SCALAR = new ScalarResampleKernel();
    private static final ResampleKernel SIMD = new SimdResampleKernel();

    @Test
    void bothKernelsGiveTheSameSamplesForEveryShapeAndLayout() {
        Random random = new Random(7);
        List<String> checked = new ArrayList<>();
        int[][] sizes = {{288, 288}, {1000, 37}, {37, 1000}, {5, 9}, {640, 480}, {224, 300}, {300, 224}, {97, 61}};
        int[][] resized = {{224, 224}, {61, 3}, {20, 500}, {40, 70}, {300, 225}, {224, 300}, {301, 224}, {97, 200}};
        for (int s = 0; s < sizes.length; s++) {
            for (Layout layout : Layout.values()) {
                RgbImage image = layout.image(sizes[s][0], sizes[s][1], random);
                int width = 1 + random.nextInt(resized[s][0]);
                int height = 1 + random.nextInt(resized[s][1]);
                PilBicubicResize.Crop crop = new PilBicubicResize.Crop(resized[s][0], resized[s][1],
                        random.nextInt(resized[s][0] - width + 1), random.nextInt(resized[s][1] - height + 1), width,
                        height);
                assertThat(samples(SIMD, image, crop)).as("%s %s, %s", layout, sizes[s], crop)
                        .containsExactly(samples(SCALAR, image, crop));
                checked.add(layout + " " + crop);
            }
        }
        assertThat(checked).hasSize(sizes.length * Layout.values().length);
    }

    @Test
    void theSamplesAreNotAllTheSame() {
        RgbImage image = Layout.RGB.image(288, 288, new Random(3));
        float[] samples = samples(SIMD, image, new PilBicubicResize.Crop(224, 224, 0, 0, 224, 224));
        assertThat(samples).contains(0f, 255f);
        assertThat(new java.util.HashSet<>(boxed(samples))).hasSizeGreaterThan(200);
    }

    private static float[] samples(ResampleKernel kernel, RgbImage image, PilBicubicResize.Crop crop) {
        float[][] identity = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                identity[c][v] = v;
            }
        }
        float[] samples = new float[3 * crop.plane() + 5];
        PilBicubicResize.resizeAndCrop(kernel, image, crop, identity, FloatBuffer.wrap(samples), 5,
                PilBicubicResize.Threads.CALLING_THREAD);
        return samples;
    }

    private static List<Float> boxed(float[] values) {
        List<Float> boxed = new ArrayList<>();
        for (float v : values) {
            boxed.add(v);
        }
        return boxed;
    }

    /** Pixel layouts, made through ImageIO's own types so that RgbImage wraps them as it does decoded images. */
    private enum Layout {
        RGB(java.awt.image.BufferedImage.TYPE_INT_RGB), BGR(java.awt.image.BufferedImage.TYPE_3BYTE_BGR),
        ABGR(java.awt.image.BufferedImage.TYPE_4BYTE_ABGR), GREY(java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
        /** A window of a larger BGR image: its first pixel is not at the start of the array. */
        BGR_WINDOW(java.awt.image.BufferedImage.TYPE_3BYTE_BGR);

        private final int type;

        Layout(int type) {
            this.type = type;
        }

        /** Random pixels with some flat areas and hard edges, so that the clamps to 0 and 255 are exercised. */
        RgbImage image(int width, int height, Random random) {
            int border = this == BGR_WINDOW ? 3 : 0;
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width + border, height + border, type);
            for (int y = 0; y < height + border; y++) {
                for (int x = 0; x < width + border; x++) {
                    int rgb = (x / 7 + y / 5) % 3 == 0 ? (random.nextBoolean() ? 0xFFFFFF : 0) : random.nextInt();
                    image.setRGB(x, y, rgb | random.nextInt(256) << 24);
                }
            }
            return RgbImage.of(border == 0 ? image : image.getSubimage(border, border - 1, width, height));
        }
    }
}
