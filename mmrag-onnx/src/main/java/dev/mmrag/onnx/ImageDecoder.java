package dev.mmrag.onnx;

import dev.mmrag.api.EncodingException;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.ImageFormat;
import dev.mmrag.api.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted images into {@link RgbImage}s: reads the image as a stream (a file must be a regular file,
 * see {@link ImageContent#openStream()}; one whose size is over the byte limit is refused before it is opened, and
 * no source is read past the limit), detects the format from its first bytes with
 * {@link ImageFormat#detect(byte[])} (JPEG, PNG, GIF, BMP, WebP) before reading more, reads width and height from
 * the header and refuses an image over the pixel limit <em>before</em> reading and decoding its pixels (only a WebP
 * file is read whole first, to check its length), then decodes the first frame with an
 * ImageIO reader (the JDK's for JPEG, PNG, GIF and BMP; a WebP reader must be installed as an ImageIO plug-in, which
 * this module's dependencies do). A GIF's first frame is placed on its logical screen as Pillow does (see
 * {@link GifCanvas}), and the limit applies to that screen.
 *
 * <p>CMYK and YCCK JPEGs (print catalogues, Photoshop exports) are converted to RGB as Pillow 9.4 converts them
 * (see {@link JpegExtras}). A JPEG's EXIF orientation is applied by default, as browsers do (a phone photo taken
 * sideways is turned upright, as Pillow's {@code ImageOps.exif_transpose} turns it); the reference CLIP
 * preprocessing does not apply it, so it can be turned off for bit-exact parity. Orientation tags of other formats
 * (PNG {@code eXIf}, WebP {@code EXIF}) are not read.
 *
 * <p>Every failure of the image is an {@link InvalidInputException} naming the image
 * ({@link ImageContent#describe()}): a missing file, something that is not a regular file, a file over the byte
 * limit, an unknown format (the message says which formats it is not, and whether it starts like text, without
 * quoting any of its bytes), an oversized image, a corrupt or truncated
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

    /** The default byte limit of an encoded image: 128 MiB. */
    static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;

    private final long maxPixels;
    private final long maxBytes;
    private final boolean exifOrientation;

    /** @param maxPixels the largest width x height accepted; the byte limit is the default, EXIF orientation applied */
    ImageDecoder(long maxPixels) {
        this(maxPixels, DEFAULT_MAX_BYTES, true);
    }

    /**
     * @param maxPixels the largest width x height accepted
     * @param maxBytes the largest encoded image accepted, in bytes, at most {@code Integer.MAX_VALUE - 8}
     * @param exifOrientation whether a JPEG's EXIF orientation is applied
     */
    ImageDecoder(long maxPixels, long maxBytes, boolean exifOrientation) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be between 1 and 2^31 - 9, got " + maxBytes);
        }
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
        this.exifOrientation = exifOrientation;
    }

    /** @return the largest width x height accepted */
    long maxPixels() {
        return maxPixels;
    }

    /** @return the largest encoded image accepted, in bytes */
    long maxBytes() {
        return maxBytes;
    }

    /** @return whether a JPEG's EXIF orientation is applied */
    boolean exifOrientation() {
        return exifOrientation;
    }

    /**
     * @param image the image
     * @return its RGB samples
     * @throws InvalidInputException naming the image when it cannot be read, is not a regular file, is over the byte
     *     or pixel limit, is not a supported format or cannot be decoded
     */
    RgbImage decode(ImageContent image) {
        Optional<Long> size = image.size();
        if (size.isPresent() && size.get() > maxBytes) {
            throw image.tooLarge(size.get() + " bytes", maxBytes);
        }
        try (InputStream in = new Limited(image.openStream(), maxBytes)) {
            return decode(image, in);
        } catch (IOException e) {
            throw failure(image, null, e);
        }
    }

    private RgbImage decode(ImageContent image, InputStream in) throws IOException {
        byte[] head;
        try {
            head = in.readNBytes(ImageFormat.SIGNATURE_BYTES);
        } catch (IOException e) {
            throw failure(image, null, e);
        }
        if (head.length == 0) {
            throw new InvalidInputException(image.describe() + " is empty");
        }
        ImageFormat format = ImageFormat.detect(head).orElseThrow(() -> new InvalidInputException(image.describe()
                + " is not a " + ImageFormat.names(EnumSet.allOf(ImageFormat.class)) + " image (its first bytes are "
                + ImageFormat.describeHead(head) + ")"));
        InputStream rest;
        if (format == ImageFormat.WEBP) {
            byte[] bytes;
            try {
                bytes = concat(head, in.readAllBytes());
            } catch (IOException e) {
                throw failure(image, format, e);
            }
            checkRiffLength(image, bytes);
            rest = new ByteArrayInputStream(bytes);
        } else {
            rest = new SequenceInputStream(new ByteArrayInputStream(head), in);
        }
        ImageReader reader = reader(image, format);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        long pixels = 0;
        try (ImageInputStream input = new MemoryCacheImageInputStream(rest)) {
            reader.setInput(input, true, format != ImageFormat.JPEG);
            GifCanvas canvas = format == ImageFormat.GIF ? GifCanvas.of(reader) : null;
            int width = canvas != null ? canvas.width() : reader.getWidth(0);
            int height = canvas != null ? canvas.height() : reader.getHeight(0);
            checkSize(image, format, width, height);
            pixels = (long) width * height;
            JpegExtras jpeg = format == ImageFormat.JPEG ? JpegExtras.of(reader.getImageMetadata(0)) : null;
            RgbImage rgb;
            if (jpeg != null && jpeg.components() == 4) {
                java.awt.image.Raster raster = reader.readRaster(0, null);
                checkWarnings(image, format, warnings);
                rgb = jpeg.toRgb(raster);
            } else {
                BufferedImage decoded = reader.read(0);
                checkWarnings(image, format, warnings);
                rgb = canvas != null ? canvas.paint(decoded) : RgbImage.of(decoded);
            }
            return jpeg != null && exifOrientation ? rgb.oriented(jpeg.orientation()) : rgb;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException) {
                throw (InvalidInputException) e;
            }
            if (causedByLackOfMemory(e)) {
                throw outOfMemory(image, pixels, e);
            }
            throw failure(image, format, e);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(image, pixels, e);
        } finally {
            reader.dispose();
        }
    }

    private static void checkWarnings(ImageContent image, ImageFormat format, List<String> warnings) {
        if (!warnings.isEmpty()) {
            throw new InvalidInputException(image.describe() + " is a damaged " + format + " image: "
                    + String.join("; ", warnings));
        }
    }

    /** A failure to read or decode: over the byte limit (wherever in the decoder it was noticed), or damaged. */
    private InvalidInputException failure(ImageContent image, ImageFormat format, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Limited.OverLimit) {
                return image.tooLarge("more than " + maxBytes + " bytes", maxBytes);
            }
        }
        if (format == null) {
            return new InvalidInputException("cannot read " + image.describe() + ": " + messages(e), e);
        }
        return new InvalidInputException(image.describe() + " cannot be decoded as " + format + ": " + messages(e), e);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A stream that fails, rather than reading on, once more than a limit has been read. */
    private static final class Limited extends FilterInputStream {

        /** Thrown by the stream, and found again in whatever a decoder wraps it in. */
        static final class OverLimit extends IOException {
            private static final long serialVersionUID = 1L;

            OverLimit(long limit) {
                super("more than " + limit + " bytes");
            }
        }

        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, (int) Math.min(length, limit - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, limit - read + 1));
            count(skipped);
            return skipped;
        }

        private void count(long n) throws OverLimit {
            read += n;
            if (read > limit) {
                throw new OverLimit(limit);
            }
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
