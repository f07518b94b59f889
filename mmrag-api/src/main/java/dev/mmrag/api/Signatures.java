package dev.mmrag.api;

/**
 * Reads of a file's first bytes that the media format detectors ({@link VideoFormat}, {@link AudioFormat}) share.
 *
 * <p>Thread-safety: stateless.
 */
final class Signatures {

    private Signatures() {
    }

    /**
     * @param bytes a file's first bytes
     * @param from the first byte to read
     * @param length how many bytes to read (fewer when the bytes end first)
     * @return those bytes as printable ASCII, any other byte as {@code '.'}
     */
    static String ascii(byte[] bytes, int from, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = from; i < from + length && i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return text.toString();
    }

    /**
     * @param head a file's first bytes, at least 4
     * @return whether they start an EBML header (Matroska, WebM)
     */
    static boolean isEbml(byte[] head) {
        return (head[0] & 0xFF) == 0x1A && (head[1] & 0xFF) == 0x45 && (head[2] & 0xFF) == 0xDF
                && (head[3] & 0xFF) == 0xA3;
    }
}
