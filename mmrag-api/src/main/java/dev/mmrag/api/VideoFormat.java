package dev.mmrag.api;

import java.util.Optional;

/**
 * Video container formats told apart by their first bytes, never by a file name: a JPEG or a ZIP named
 * {@code .mp4} is not a video.
 *
 * <p>Thread-safety: immutable.
 */
public enum VideoFormat {
    /** ISO base media file (MP4, M4V, 3GP): an {@code ftyp} box whose brand is not QuickTime's. */
    MP4("video/mp4"),
    /** QuickTime movie: an {@code ftyp} box with brand {@code qt  }, or a file starting with a {@code moov},
     *  {@code mdat}, {@code wide} or {@code free} atom. */
    MOV("video/quicktime"),
    /** Matroska (MKV): an EBML header whose document type is not {@code webm}. */
    MKV("video/x-matroska"),
    /** WebM: an EBML header with document type {@code webm}. */
    WEBM("video/webm"),
    /** AVI: a RIFF file of type {@code AVI }. */
    AVI("video/x-msvideo");

    /** How many leading bytes {@link #detect(byte[])} looks at, at most. */
    public static final int SIGNATURE_BYTES = 64;

    private final String mediaType;

    VideoFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** @return the media type, such as {@code video/mp4} */
    public String mediaType() {
        return mediaType;
    }

    /**
     * @param head the first bytes of a file (up to {@value #SIGNATURE_BYTES}; fewer when the file is shorter)
     * @return the container format those bytes start, or empty when they start none of these
     */
    public static Optional<VideoFormat> detect(byte[] head) {
        if (head == null || head.length < 8) {
            return Optional.empty();
        }
        String box = Signatures.ascii(head, 4, 4);
        if (box.equals("ftyp") && head.length >= 12) {
            return Optional.of(Signatures.ascii(head, 8, 4).equals("qt  ") ? MOV : MP4);
        }
        if (box.equals("moov") || box.equals("mdat") || box.equals("wide") || box.equals("free")) {
            return Optional.of(MOV);
        }
        if (Signatures.isEbml(head)) {
            return Optional.of(Signatures.ascii(head, 0, head.length).contains("webm") ? WEBM : MKV);
        }
        if (head.length >= 12 && Signatures.ascii(head, 0, 4).equals("RIFF")
                && Signatures.ascii(head, 8, 4).equals("AVI ")) {
            return Optional.of(AVI);
        }
        return Optional.empty();
    }
}
