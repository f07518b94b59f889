package dev.mmrag.onnx;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Optional;

/**
 * The image formats the encoder reads, recognised by their first bytes ("magic numbers"), never by a file name
 * or a declared media type.
 *
 * <p>Thread-safety: immutable.
 */
enum ImageFormat {
    /** JPEG: {@code FF D8 FF}. */
    JPEG("jpeg"),
    /** PNG: {@code 89 'P' 'N' 'G' 0D 0A 1A 0A}. */
    PNG("png"),
    /** GIF: {@code "GIF87a"} or {@code "GIF89a"}. */
    GIF("gif"),
    /** BMP: {@code "BM"}. */
    BMP("bmp"),
    /** WebP: {@code "RIFF"}, a 4-byte length, {@code "WEBP"}. */
    WEBP("webp");

    /** The formats' names, for messages. */
    static final String NAMES = "JPEG, PNG, GIF, BMP or WebP";

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** @return the format name ImageIO readers register under */
    String imageIoName() {
        return imageIoName;
    }

    /**
     * @param bytes the start of an encoded image
     * @return its format, or empty when the bytes are none of the supported formats
     */
    static Optional<ImageFormat> detect(byte[] bytes) {
        if (startsWith(bytes, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, 0, "GIF87a".getBytes(US_ASCII))
                || startsWith(bytes, 0, "GIF89a".getBytes(US_ASCII))) {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 0, (byte) 'B', (byte) 'M')) {
            return Optional.of(BMP);
        }
        if (startsWith(bytes, 0, (byte) 'R', (byte) 'I', (byte) 'F', (byte) 'F')
                && startsWith(bytes, 8, (byte) 'W', (byte) 'E', (byte) 'B', (byte) 'P')) {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /**
     * @param bytes some bytes
     * @return their first (at most 8) bytes in hexadecimal, for messages
     */
    static String head(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02X ", bytes[i] & 0xFF));
        }
        return hex.toString().trim();
    }

    private static boolean startsWith(byte[] bytes, int offset, byte... prefix) {
        if (bytes.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
