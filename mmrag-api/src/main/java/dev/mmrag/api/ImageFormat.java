package dev.mmrag.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The image formats mmrag recognises, detected from an image's first bytes ("magic numbers"), never from a file
 * name or a declared media type: an {@link ImageContent}'s {@link ImageContent#mediaType()} is only a hint, and
 * untrusted input may carry any name. Adapters use {@link #detect(byte[])} to decide how to decode an image (an
 * encoder) or which media type to declare when sending it on (a generator), and {@link #describeHead(byte[])} to
 * say in an error message what kind of bytes they were instead, without quoting them (a file named by untrusted
 * input may be anyone's secret, and a message is printed or logged).
 *
 * <pre>{@code
 * byte[] bytes = image.readAllBytes();
 * ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> new InvalidInputException(image.describe()
 *         + " is not a JPEG, PNG, GIF, BMP or WebP image (its first bytes are " + ImageFormat.describeHead(bytes)
 *         + ")"));
 * String mediaType = format.mediaType();   // "image/png", whatever the file was called
 * }</pre>
 *
 * <p>Detection looks at the first {@value #SIGNATURE_BYTES} bytes at most and checks only the signature: bytes
 * that start like a PNG may still be a truncated or corrupt PNG, which only a decoder finds out. {@link #toString()}
 * is the format's usual name ("WebP"), for messages.
 *
 * <p>Thread-safety: immutable; the static methods are stateless.
 */
public enum ImageFormat {
    /** JPEG, {@code image/jpeg}: starts with {@code FF D8 FF}. */
    JPEG("JPEG", "image/jpeg"),
    /** PNG, {@code image/png}: starts with {@code 89 'P' 'N' 'G' 0D 0A 1A 0A}. */
    PNG("PNG", "image/png"),
    /** GIF, {@code image/gif}: starts with {@code "GIF87a"} or {@code "GIF89a"}. */
    GIF("GIF", "image/gif"),
    /** BMP, {@code image/bmp}: starts with {@code "BM"}. */
    BMP("BMP", "image/bmp"),
    /** WebP, {@code image/webp}: {@code "RIFF"}, a 4-byte length, then {@code "WEBP"}. */
    WEBP("WebP", "image/webp");

    /** The most bytes {@link #detect(byte[])} reads: 12, the RIFF header of a WebP file. */
    public static final int SIGNATURE_BYTES = 12;

    /** How many bytes {@link #describeHead(byte[])} looks at. */
    private static final int HEAD_BYTES = 8;

    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] GIF87_SIGNATURE = ascii("GIF87a");
    private static final byte[] GIF89_SIGNATURE = ascii("GIF89a");
    private static final byte[] BMP_SIGNATURE = ascii("BM");
    private static final byte[] RIFF_SIGNATURE = ascii("RIFF");
    private static final byte[] WEBP_SIGNATURE = ascii("WEBP");

    private final String displayName;
    private final String mediaType;

    ImageFormat(String displayName, String mediaType) {
        this.displayName = displayName;
        this.mediaType = mediaType;
    }

    /** @return the format's media type, such as {@code image/png} */
    public String mediaType() {
        return mediaType;
    }

    /**
     * Detects an image's format from its signature.
     *
     * @param head the start of an encoded image (at least its first {@value #SIGNATURE_BYTES} bytes, or all of a
     *     shorter one); not changed
     * @return the format, or empty when the bytes are none of these formats
     * @throws InvalidInputException when {@code head} is null
     */
    public static Optional<ImageFormat> detect(byte[] head) {
        if (head == null) {
            throw new InvalidInputException("image bytes must not be null");
        }
        if (startsWith(head, 0, JPEG_SIGNATURE)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, 0, GIF87_SIGNATURE) || startsWith(head, 0, GIF89_SIGNATURE)) {
            return Optional.of(GIF);
        }
        if (startsWith(head, 0, BMP_SIGNATURE)) {
            return Optional.of(BMP);
        }
        if (startsWith(head, 0, RIFF_SIGNATURE) && startsWith(head, 8, WEBP_SIGNATURE)) {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /**
     * Says what kind of bytes something that was expected to be an image starts with, for error messages, without
     * quoting any of them: {@code "text"} when its first {@value #HEAD_BYTES} bytes are printable ASCII or
     * whitespace (an HTML error page, a password file, a JSON answer), {@code "binary data"} otherwise, {@code "no
     * bytes"} when there are none. Earlier versions showed the bytes themselves, which leaked the start of whatever
     * file a hostile catalogue or index named.
     *
     * @param bytes some bytes; not changed
     * @return their description
     * @throws InvalidInputException when {@code bytes} is null
     */
    public static String describeHead(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidInputException("bytes must not be null");
        }
        if (bytes.length == 0) {
            return "no bytes";
        }
        int length = Math.min(HEAD_BYTES, bytes.length);
        for (int i = 0; i < length; i++) {
            int value = bytes[i] & 0xFF;
            boolean printable = value >= 0x20 && value < 0x7F || value == '\t' || value == '\n' || value == '\r';
            if (!printable) {
                return "binary data";
            }
        }
        return "text";
    }

    /**
     * @param formats some formats
     * @return their names in declaration order, for messages: "JPEG, PNG, GIF, BMP or WebP"
     */
    public static String names(Set<ImageFormat> formats) {
        String all = formats.stream().sorted().map(ImageFormat::toString).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
    }

    /** @return the format's usual name, such as "JPEG" or "WebP" */
    @Override
    public String toString() {
        return displayName;
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] signature) {
        if (bytes.length < offset + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if (bytes[offset + i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
