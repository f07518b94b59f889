package dev.mmrag.examples.web;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.ImageFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The checks an uploaded photo passes before anything decodes it, the same the command line's encoder makes: the
 * size, the format from the magic bytes (never the file name or the declared type), and width x height read from
 * the header against a pixel limit. The encoder checks once more when it decodes.
 *
 * <p>Thread-safety: immutable; every call uses its own ImageIO reader.
 */
final class UploadCheck {

    private final long maxBytes;
    private final long maxPixels;

    /**
     * @param maxBytes the largest upload
     * @param maxPixels the largest width x height
     */
    UploadCheck(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    /**
     * @param bytes the uploaded file
     * @return the photo, in memory, with the media type its bytes show
     * @throws WebError 413 when too large, 415 when not an image of a known format, 422 when its header cannot be
     *     read
     */
    ImageContent check(byte[] bytes) {
        if (bytes.length == 0) {
            throw new WebError(400, "The photo is empty (0 bytes).");
        }
        if (bytes.length > maxBytes) {
            throw new WebError(413, "The photo is " + StyleFinderServer.megabytes(bytes.length) + "; the limit is "
                    + StyleFinderServer.megabytes(maxBytes) + ".");
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> new WebError(415,
                "The file is not a photo: expected a " + ImageFormat.names(EnumSet.allOf(ImageFormat.class))
                        + " image (its first bytes are " + ImageFormat.describeHead(bytes) + ")."));
        long pixels = pixels(bytes, format);
        if (pixels > maxPixels) {
            throw new WebError(413, "The photo has " + megapixels(pixels) + " pixels; the limit is "
                    + megapixels(maxPixels) + " pixels.");
        }
        return ImageContent.of(bytes, format.mediaType());
    }

    private static long pixels(byte[] bytes, ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new WebError(415, "This server cannot read " + format + " photos.");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            return (long) reader.getWidth(0) * reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new WebError(422, "The photo looks like " + format + " but its header cannot be read; the file "
                    + "may be damaged or cut short.");
        } finally {
            reader.dispose();
        }
    }

    private static String megapixels(long pixels) {
        return pixels < 1_000_000 ? String.valueOf(pixels)
                : String.format(Locale.ROOT, "%.1f million", pixels / 1_000_000.0);
    }
}
