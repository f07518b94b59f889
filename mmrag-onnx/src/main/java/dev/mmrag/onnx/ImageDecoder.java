package dev.mmrag.onnx;

import dev.mmrag.api.EncodingException;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.ImageFormat;
import dev.mmrag.api.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted images into {@link RgbImage}s: detects the format from the magic bytes with
 * {@link ImageFormat#detect(byte[])} (JPEG, PNG, GIF, BMP, WebP), reads width and height from the header and
 * refuses an image over the pixel limit <em>before</em> decoding its pixels, then decodes the first frame with an
 * ImageIO reader (the JDK's for JPEG, PNG, GIF and BMP; a WebP reader must be installed as an ImageIO plug-in, which
 * this module's dependencies do). A GIF's first frame is placed on its logical screen as Pillow does (see
 * {@link GifCanvas}), and the limit applies to that screen.
 *
 * <p>Every failure of the image is an {@link InvalidInputException} naming the image
 * ({@link ImageContent#describe()}): a missing file, an unknown format, an oversized image, a corrupt or truncated
 * file (a decoder warning, such as libjpeg's "premature end of data", counts as a failure rather than giving a
 * half-grey picture; a WebP file shorter than its RIFF header announces is refused before decoding). A valid image
 * whose pixels do not fit the Java heap is an {@link EncodingException} saying so, with the heap it needs.
 *
 * <p>Decoders: JPEG, PNG, GIF and BMP decode exactly as Pillow does on the test images (JPEG included, the JDK's
 * libjpeg and Pillow's libjpeg-turbo agree there; 16-bit and 5-bit samples become 8 bits as Pillow's do, see
 * {@link RgbImage}). WebP is decoded by the TwelveMonkeys ImageIO plug-in, which
 * for lossless WebP gives the exact pixels but for lossy WebP does not use libwebp's "fancy" chroma upsampling:
 * its pixels differ from libwebp's (and so Pillow's) by about 2 levels on average.
 *
 * <p>Thread-safety: immutable; every call uses its own reader.
 */
final class ImageDecoder {

    private final long maxPixels;

    /** @param maxPixels the largest width x height accepted */
    ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /** @return the largest width x height accepted */
    long maxPixels() {
        return maxPixels;
    }

    /**
     * @param image the image
     * @return its RGB samples
     * @throws InvalidInputException naming the image when it cannot be read, is not a supported format, is over
     *     the pixel limit or cannot be decoded
     */
    RgbImage decode(ImageContent image) {
        byte[] bytes = image.readAllBytes();
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> new InvalidInputException(image.describe()
                + " is not a " + ImageFormat.names(EnumSet.allOf(ImageFormat.class)) + " image (it starts with "
                + ImageFormat.describeHead(bytes) + ")"));
        if (format == ImageFormat.WEBP) {
            checkRiffLength(image, bytes);
        }
        ImageReader reader = reader(image, format);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        long pixels = 0;
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            GifCanvas canvas = format == ImageFormat.GIF ? GifCanvas.of(reader) : null;
            int width = canvas != null ? canvas.width() : reader.getWidth(0);
            int height = canvas != null ? canvas.height() : reader.getHeight(0);
            checkSize(image, format, width, height);
            pixels = (long) width * height;
            BufferedImage decoded = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new InvalidInputException(image.describe() + " is a damaged " + format + " image: "
                        + String.join("; ", warnings));
            }
            return canvas != null ? canvas.paint(decoded) : RgbImage.of(decoded);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException) {
                throw (InvalidInputException) e;
            }
            if (causedByLackOfMemory(e)) {
                throw outOfMemory(image, pixels, e);
            }
            throw new InvalidInputException(image.describe() + " cannot be decoded as " + format + ": "
                    + messages(e), e);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(image, pixels, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The image is valid but its pixels do not fit the heap (ImageIO's readers report that as an exception caused
     * by an {@code OutOfMemoryError}): an {@link EncodingException}, not a complaint about the image.
     */
    private static EncodingException outOfMemory(ImageContent image, long pixels, Throwable e) {
        return new EncodingException(image.describe() + " (" + megapixels(pixels) + ") does not fit the Java heap "
                + "while it is decoded (about " + (pixels * 4 >> 20) + " MiB needed, "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max heap): give the JVM more heap (-Xmx) or lower "
                + "the pixel limit", e);
    }

    private static boolean causedByLackOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** @return the messages of an exception and its causes, for decoders whose own message is only a preamble */
    private static String messages(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName()
                    : t.getMessage().strip();
            if (text.length() == 0) {
                text.append(message);
            } else if (text.indexOf(message) < 0) {
                text.append(" (").append(message).append(')');
            }
        }
        return text.toString();
    }

    /**
     * The WebP reader does not notice a file cut short (it decodes what is there), so the length the RIFF header
     * announces is checked first.
     */
    private static void checkRiffLength(ImageContent image, byte[] bytes) {
        long announced = 8 + (Byte.toUnsignedLong(bytes[4]) | Byte.toUnsignedLong(bytes[5]) << 8
                | Byte.toUnsignedLong(bytes[6]) << 16 | Byte.toUnsignedLong(bytes[7]) << 24);
        if (bytes.length < announced) {
            throw new InvalidInputException(image.describe() + " is a truncated WebP image: its header announces "
                    + announced + " bytes, but it has " + bytes.length);
        }
    }

    private void checkSize(ImageContent image, ImageFormat format, int width, int height) {
        long pixels = (long) width * height;
        if (width < 1 || height < 1) {
            throw new InvalidInputException(image.describe() + " is a " + format + " image of " + width + "x" + height
                    + " pixels; expected a positive width and height");
        }
        if (pixels > maxPixels) {
            throw new InvalidInputException(image.describe() + " is " + width + "x" + height + " = "
                    + megapixels(pixels) + ", over the limit of " + megapixels(maxPixels));
        }
    }

    private static ImageReader reader(ImageContent image, ImageFormat format) {
        // ImageIO registers its readers under the formats' names in lower case: "jpeg", "png", ..., "webp".
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new InvalidInputException(image.describe() + " is a " + format
                    + " image, but no ImageIO reader for " + format + " is installed");
        }
        return readers.next();
    }

    /**
     * @param pixels a pixel count
     * @return it for messages: "2.5 Gpx", "100 Mpx", "82944 px"
     */
    static String megapixels(long pixels) {
        if (pixels >= 1_000_000_000L) {
            return trim(pixels / 1e9) + " Gpx";
        }
        if (pixels >= 1_000_000L) {
            return trim(pixels / 1e6) + " Mpx";
        }
        return pixels + " px";
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
