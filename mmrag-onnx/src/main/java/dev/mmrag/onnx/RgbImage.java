package dev.mmrag.onnx;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.util.Optional;

/**
 * A decoded image as 8-bit R, G, B samples in one byte array, the way PIL's {@code convert("RGB")} sees it:
 * alpha is dropped (not composited), grey is copied to the three channels, a palette is looked up, and no colour
 * profile is applied (the samples are taken as they are stored). Samples of other widths become 8 bits as Pillow
 * unpacks them: 16-bit colour and 16-bit grey-with-alpha samples keep their high byte; 16-bit grey alone (which
 * Pillow opens as a 32-bit integer image) is clipped to 0..255; samples of fewer than 8 bits {@code v} of
 * {@code max} become {@code v * 255 / max}, rounded down (so 5-bit BMP channels match Pillow's).
 *
 * <p>Sample {@code c} (0 = R, 1 = G, 2 = B) of pixel {@code (x, y)} is
 * {@code data[y * rowStride + x * pixelStride + channelOffset[c]]}. For the common decoded layouts (8-bit RGB,
 * RGBA, BGR, grey, grey with alpha, interleaved in one array, which is what JPEG, PNG and most WebP decode to)
 * the decoder's own array is used without copying; other layouts are converted sample by sample.
 *
 * <p>Thread-safety: not modified after construction; safe to read from several threads.
 */
final class RgbImage {

    private final byte[] data;
    private final int width;
    private final int height;
    private final int pixelStride;
    private final int rowStride;
    private final int[] channelOffset;

    private RgbImage(byte[] data, int width, int height, int pixelStride, int rowStride, int[] channelOffset) {
        this.data = data;
        this.width = width;
        this.height = height;
        this.pixelStride = pixelStride;
        this.rowStride = rowStride;
        this.channelOffset = channelOffset;
    }

    /**
     * @param data packed RGB samples, 3 bytes a pixel, row after row
     * @param width the width
     * @param height the height
     * @return the image
     */
    static RgbImage packed(byte[] data, int width, int height) {
        if (data.length != 3 * width * height) {
            throw new IllegalArgumentException(data.length + " bytes for a " + width + "x" + height + " RGB image");
        }
        return new RgbImage(data, width, height, 3, 3 * width, new int[] {0, 1, 2});
    }

    /**
     * @param image a decoded image
     * @return its RGB samples
     * @throws IllegalArgumentException when its colour model is neither grey, RGB nor a palette (for example
     *     CMYK), with a message saying so
     */
    static RgbImage of(BufferedImage image) {
        return wrapInterleaved(image).orElseGet(() -> convert(image));
    }

    /** @return the width in pixels */
    int width() {
        return width;
    }

    /** @return the height in pixels */
    int height() {
        return height;
    }

    /** @return the array holding the samples */
    byte[] data() {
        return data;
    }

    /** @return the distance between two pixels of a row, in bytes */
    int pixelStride() {
        return pixelStride;
    }

    /** @return the distance between two rows, in bytes */
    int rowStride() {
        return rowStride;
    }

    /**
     * @param channel 0 (R), 1 (G) or 2 (B)
     * @return the index of that sample of pixel (0, 0)
     */
    int channelOffset(int channel) {
        return channelOffset[channel];
    }

    /**
     * @param x the column
     * @param y the row
     * @param channel 0 (R), 1 (G) or 2 (B)
     * @return the sample, 0 to 255
     */
    int sample(int x, int y, int channel) {
        return data[y * rowStride + x * pixelStride + channelOffset[channel]] & 0xFF;
    }

    /** Uses the decoder's array directly when it holds 8-bit grey or RGB samples interleaved in one bank. */
    private static Optional<RgbImage> wrapInterleaved(BufferedImage image) {
        Raster raster = image.getRaster();
        ColorModel colorModel = image.getColorModel();
        SampleModel sampleModel = raster.getSampleModel();
        if (!(colorModel instanceof ComponentColorModel) || !(sampleModel instanceof ComponentSampleModel)
                || !(raster.getDataBuffer() instanceof DataBufferByte) || raster.getDataBuffer().getNumBanks() != 1) {
            return Optional.empty();
        }
        int colors = colorModel.getNumColorComponents();
        if (colors != 1 && colors != 3) {
            return Optional.empty();
        }
        for (int size : sampleModel.getSampleSize()) {
            if (size != 8) {
                return Optional.empty();
            }
        }
        ComponentSampleModel components = (ComponentSampleModel) sampleModel;
        int originX = -raster.getSampleModelTranslateX();
        int originY = -raster.getSampleModelTranslateY();
        int base = raster.getDataBuffer().getOffset();
        int[] offsets = new int[3];
        for (int c = 0; c < 3; c++) {
            offsets[c] = base + components.getOffset(originX, originY, colors == 1 ? 0 : c);
        }
        byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
        return Optional.of(new RgbImage(data, image.getWidth(), image.getHeight(), components.getPixelStride(),
                components.getScanlineStride(), offsets));
    }

    /** Converts any grey, RGB or palette image sample by sample. */
    private static RgbImage convert(BufferedImage image) {
        Raster raster = image.getRaster();
        ColorModel colorModel = image.getColorModel();
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] rgb = new byte[3 * width * height];
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        if (colorModel instanceof IndexColorModel) {
            IndexColorModel palette = (IndexColorModel) colorModel;
            int i = 0;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int index = raster.getSample(minX + x, minY + y, 0);
                    rgb[i++] = (byte) palette.getRed(index);
                    rgb[i++] = (byte) palette.getGreen(index);
                    rgb[i++] = (byte) palette.getBlue(index);
                }
            }
            return packed(rgb, width, height);
        }
        int colors = colorModel.getNumColorComponents();
        if (colors != 1 && colors != 3) {
            throw new IllegalArgumentException("it has " + colors + " colour components; only grey, RGB and "
                    + "palette images are supported");
        }
        int[] bits = raster.getSampleModel().getSampleSize();
        boolean clipWide = colors == 1 && !colorModel.hasAlpha();
        int i = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int band = colors == 1 ? 0 : c;
                    rgb[i++] = (byte) to8Bits(raster.getSample(minX + x, minY + y, band), bits[band], clipWide);
                }
            }
        }
        return packed(rgb, width, height);
    }

    /**
     * @param sample an unsigned sample
     * @param bits its width
     * @param clipWide whether a sample wider than 8 bits is clipped to 255 (Pillow's 16-bit grey) rather than
     *     shifted to its high byte
     * @return it as 8 bits, as Pillow unpacks it (see the class description)
     */
    static int to8Bits(int sample, int bits, boolean clipWide) {
        if (bits == 8) {
            return sample;
        }
        if (bits > 8) {
            return clipWide ? Math.min(sample, 255) : sample >>> (bits - 8);
        }
        int max = (1 << bits) - 1;
        return sample * 255 / max;
    }

    /**
     * Turns the image upright as its EXIF orientation asks, as Pillow's {@code ImageOps.exif_transpose} and browsers
     * do: 2 mirrors it left to right, 3 turns it half round, 4 mirrors it top to bottom, 5 transposes it (mirrors it
     * across the main diagonal), 6 turns it a quarter clockwise, 7 transverses it (mirrors it across the other
     * diagonal), 8 turns it a quarter anticlockwise; 1 (and any other value) leaves it as it is.
     *
     * @param orientation the EXIF orientation
     * @return the upright image (this one for orientation 1)
     */
    RgbImage oriented(int orientation) {
        if (orientation < 2 || orientation > 8) {
            return this;
        }
        boolean swap = orientation >= 5;
        int outWidth = swap ? height : width;
        int outHeight = swap ? width : height;
        byte[] out = new byte[3 * outWidth * outHeight];
        int i = 0;
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2: sx = width - 1 - x; sy = y; break;
                    case 3: sx = width - 1 - x; sy = height - 1 - y; break;
                    case 4: sx = x; sy = height - 1 - y; break;
                    case 5: sx = y; sy = x; break;
                    case 6: sx = y; sy = height - 1 - x; break;
                    case 7: sx = width - 1 - y; sy = height - 1 - x; break;
                    default: sx = width - 1 - y; sy = x; break;
                }
                int at = sy * rowStride + sx * pixelStride;
                out[i++] = data[at + channelOffset[0]];
                out[i++] = data[at + channelOffset[1]];
                out[i++] = data[at + channelOffset[2]];
            }
        }
        return packed(out, outWidth, outHeight);
    }
}
