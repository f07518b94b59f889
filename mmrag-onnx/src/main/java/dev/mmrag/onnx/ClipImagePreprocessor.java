package dev.mmrag.onnx;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * Turns an image into the {@code pixel_values} a CLIP vision model takes, identical (up to JPEG decoder
 * differences) to Hugging Face's {@code CLIPImageProcessor}: decode; convert to RGB as PIL does (alpha dropped,
 * grey and palettes expanded); resize so the shortest edge is the configured size and the long edge
 * {@code floor(size * long / short)}, with PIL's antialiased bicubic filter; center-crop (offset
 * {@code floor((h - crop) / 2)}); rescale; normalise; lay out channels first ({@code [3, height, width]} floats).
 *
 * <p>The settings come from the model directory's {@code preprocessor_config.json} (see the Hugging Face
 * documentation of {@code CLIPImageProcessor}; missing keys take its defaults). Untrusted images are handled as
 * {@link ClipOnnxEncoder} describes: the format is detected from the bytes, and an image over the pixel limit
 * (default {@value #DEFAULT_MAX_PIXELS} pixels, 100 Mpx) is refused before its pixels are decoded, a file over the
 * byte limit (default {@value #DEFAULT_MAX_BYTES} bytes, 128 MiB) before it is read. A JPEG's EXIF orientation is
 * applied (the image is turned upright first); {@link ClipOnnxEncoder.Builder#exifOrientation(boolean)} turns that
 * off, for the reference's exact values on rotated photos (the reference ignores the tag).
 *
 * <p>Only the part of the resized image that the crop keeps is computed, so a large photo costs little more than
 * its decoding; resizing, rescaling and normalising write straight into the target buffer (see
 * {@link PilBicubicResize}). With {@code --add-modules jdk.incubator.vector} on the JVM's command line the resize
 * uses the Java Vector API, which makes it several times faster; without it, plain loops give the same values.
 *
 * <p>Threads: a preprocessor from {@link #fromModelDirectory(Path)} works on the calling thread alone. The one inside
 * {@link ClipOnnxEncoder} splits the resize of a large image across the encoder's preprocessing threads, and uses no
 * other thread.
 *
 * <p>Thread-safety: immutable; safe for concurrent use.
 */
public final class ClipImagePreprocessor {

    /** The default pixel limit: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    /**
     * The default byte limit of an encoded image: 128 MiB (134217728 bytes), above nearly any photo (a 100 Mpx
     * JPEG is some 20 to 60 MB); a file over it is refused before it is read, and no source is read past it.
     */
    public static final long DEFAULT_MAX_BYTES = ImageDecoder.DEFAULT_MAX_BYTES;

    private final PreprocessorConfig config;
    private final ImageDecoder decoder;
    private final float[][] lookupTable;
    private final PilBicubicResize.Threads threads;

    /**
     * @param config the preprocessing settings
     * @param maxPixels the largest width x height accepted
     * @param threads the threads the resize of a large image may be split across
     */
    ClipImagePreprocessor(PreprocessorConfig config, long maxPixels, PilBicubicResize.Threads threads) {
        this(config, new ImageDecoder(maxPixels), threads);
    }

    /**
     * @param config the preprocessing settings
     * @param decoder the image decoder, with its limits
     * @param threads the threads the resize of a large image may be split across
     */
    ClipImagePreprocessor(PreprocessorConfig config, ImageDecoder decoder, PilBicubicResize.Threads threads) {
        this.config = config;
        this.decoder = decoder;
        this.lookupTable = config.lookupTable();
        this.threads = threads;
    }

    /**
     * Reads the preprocessing of a model directory, with the default pixel limit.
     *
     * @param modelDirectory a directory holding {@code preprocessor_config.json}
     * @return the preprocessor
     * @throws InvalidInputException naming the file and setting when it is missing, invalid or unsupported
     */
    public static ClipImagePreprocessor fromModelDirectory(Path modelDirectory) {
        return fromModelDirectory(modelDirectory, DEFAULT_MAX_PIXELS);
    }

    /**
     * Reads the preprocessing of a model directory.
     *
     * @param modelDirectory a directory holding {@code preprocessor_config.json}
     * @param maxPixels the largest width x height accepted, positive
     * @return the preprocessor
     * @throws InvalidInputException naming the file and setting when it is missing, invalid or unsupported
     */
    public static ClipImagePreprocessor fromModelDirectory(Path modelDirectory, long maxPixels) {
        checkMaxPixels(maxPixels);
        ModelDirectory directory = ModelDirectory.open(modelDirectory);
        return new ClipImagePreprocessor(PreprocessorConfig.from(directory.json(PreprocessorConfig.FILE)), maxPixels,
                PilBicubicResize.Threads.CALLING_THREAD);
    }

    static void checkMaxBytes(long maxBytes) {
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("the image byte limit must be between 1 and " + (Integer.MAX_VALUE - 8)
                    + ", got " + maxBytes);
        }
    }

    static void checkMaxPixels(long maxPixels) {
        if (maxPixels < 1) {
            throw new InvalidInputException("the pixel limit must be positive, got " + maxPixels);
        }
    }

    /** @return the height of the output (the crop height) */
    public int height() {
        return config.cropHeight();
    }

    /** @return the width of the output (the crop width) */
    public int width() {
        return config.cropWidth();
    }

    /** @return the number of floats per image: {@code 3 * height() * width()} */
    public int floatsPerImage() {
        return 3 * height() * width();
    }

    /** @return the largest width x height accepted */
    public long maxPixels() {
        return decoder.maxPixels();
    }

    /**
     * @param image the image
     * @return its pixel values, {@code [3, height(), width()]} channels first
     * @throws InvalidInputException naming the image when it cannot be read or decoded, or is over the limit
     */
    public float[] preprocess(ImageContent image) {
        float[] values = new float[floatsPerImage()];
        preprocess(image, FloatBuffer.wrap(values), 0);
        return values;
    }

    /**
     * Writes an image's pixel values into a buffer (for example one image of a batch tensor).
     *
     * @param image the image
     * @param target the buffer; its position and limit are not used or changed
     * @param index where the image's {@link #floatsPerImage()} floats start
     * @throws InvalidInputException naming the image when it cannot be read or decoded, or is over the limit
     */
    public void preprocess(ImageContent image, FloatBuffer target, int index) {
        if (index < 0 || index > target.capacity() - floatsPerImage()) {
            throw new IndexOutOfBoundsException("an image of " + floatsPerImage() + " floats at " + index
                    + " does not fit a buffer of " + target.capacity());
        }
        RgbImage rgb = decoder.decode(image);
        PilBicubicResize.resizeAndCrop(rgb, crop(rgb), lookupTable, target, index, threads);
    }

    /**
     * @param image a decoded image
     * @param kernel the resampling loops to use
     * @return its 8-bit RGB crop before rescaling and normalising, as floats, channels first (for the tests)
     */
    float[] samples(RgbImage image, ResampleKernel kernel) {
        float[][] identity = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                identity[c][v] = v;
            }
        }
        float[] samples = new float[floatsPerImage()];
        PilBicubicResize.resizeAndCrop(kernel, image, crop(image), identity, FloatBuffer.wrap(samples), 0, threads);
        return samples;
    }

    /** The reference's resized size and its centred crop window. */
    private PilBicubicResize.Crop crop(RgbImage image) {
        int[] resized = config.resizedSize(image.width(), image.height());
        return new PilBicubicResize.Crop(resized[0], resized[1], (resized[0] - width()) / 2,
                (resized[1] - height()) / 2, width(), height());
    }

    /**
     * @return the name of the resampling loops this JVM uses: "simd-&lt;bits&gt;" (the Java Vector API, with
     *     {@code --add-modules jdk.incubator.vector}) or "scalar"; both give the same values
     */
    public static String resizeKernel() {
        return ResampleKernel.INSTANCE.name();
    }

    /** @return the decoder, for the encoder's tests */
    ImageDecoder decoder() {
        return decoder;
    }

    @Override
    public String toString() {
        return "ClipImagePreprocessor[" + config + ", maxPixels=" + maxPixels() + ", maxBytes=" + decoder.maxBytes()
                + ", exifOrientation=" + decoder.exifOrientation() + ", resizeKernel=" + resizeKernel() + "]";
    }
}
