package dev.mmrag.langchain4j;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Detects the image formats that vision-language models accept from an image's first bytes.
 *
 * <p>Thread-safety: stateless.
 */
final class ImageFormats {

    private static final int HEX_PREFIX_BYTES = 8;

    private ImageFormats() {
    }

    /**
     * @param bytes an encoded image
     * @return {@code image/jpeg}, {@code image/png}, {@code image/gif} or {@code image/webp}, or empty for anything
     *     else
     */
    static Optional<String> detect(byte[] bytes) {
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("image/jpeg");
        }
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of("image/png");
        }
        if (startsWith(bytes, 0, 'G', 'I', 'F', '8')) {
            return Optional.of("image/gif");
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of("image/webp");
        }
        return Optional.empty();
    }

    /**
     * @param bytes some bytes
     * @return the first few bytes in hex, for messages
     */
    static String hexPrefix(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(HEX_PREFIX_BYTES, bytes.length); i++) {
            out.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        String ascii = new String(bytes, 0, Math.min(HEX_PREFIX_BYTES, bytes.length), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", ".");
        return out + " \"" + ascii + "\"";
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
