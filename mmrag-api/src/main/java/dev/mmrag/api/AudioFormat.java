package dev.mmrag.api;

import java.util.Optional;

/**
 * Audio file formats told apart by their first bytes, never by a file name.
 *
 * <p>Thread-safety: immutable.
 */
public enum AudioFormat {
    /** RIFF/WAVE. */
    WAV("audio/wav"),
    /** FLAC ({@code fLaC}). */
    FLAC("audio/flac"),
    /** MPEG audio layer III: an ID3 tag or an MPEG frame sync. */
    MP3("audio/mpeg"),
    /** Ogg (Vorbis, Opus). */
    OGG("audio/ogg"),
    /** ISO base media audio (M4A, AAC in MP4): an {@code ftyp} box. */
    M4A("audio/mp4"),
    /** WebM or Matroska audio: an EBML header. */
    WEBM("audio/webm"),
    /** Raw AAC with an ADTS header. */
    AAC("audio/aac");

    /** How many leading bytes {@link #detect(byte[])} looks at, at most. */
    public static final int SIGNATURE_BYTES = 64;

    private final String mediaType;

    AudioFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** @return the media type, such as {@code audio/flac} */
    public String mediaType() {
        return mediaType;
    }

    /**
     * @param head the first bytes of a file (up to {@value #SIGNATURE_BYTES}; fewer when the file is shorter)
     * @return the format those bytes start, or empty when they start none of these (an MP4 or WebM video is
     *     reported as {@link #M4A} or {@link #WEBM}: its sound track can be read)
     */
    public static Optional<AudioFormat> detect(byte[] head) {
        if (head == null || head.length < 4) {
            return Optional.empty();
        }
        if (head.length >= 12 && Signatures.ascii(head, 0, 4).equals("RIFF")
                && Signatures.ascii(head, 8, 4).equals("WAVE")) {
            return Optional.of(WAV);
        }
        if (Signatures.ascii(head, 0, 4).equals("fLaC")) {
            return Optional.of(FLAC);
        }
        if (Signatures.ascii(head, 0, 4).equals("OggS")) {
            return Optional.of(OGG);
        }
        if (Signatures.ascii(head, 0, 3).equals("ID3")) {
            return Optional.of(MP3);
        }
        if (head.length >= 8 && Signatures.ascii(head, 4, 4).equals("ftyp")) {
            return Optional.of(M4A);
        }
        if (Signatures.isEbml(head)) {
            return Optional.of(WEBM);
        }
        int b0 = head[0] & 0xFF;
        int b1 = head[1] & 0xFF;
        if (b0 == 0xFF && (b1 & 0xF6) == 0xF0) {
            return Optional.of(AAC);
        }
        if (b0 == 0xFF && (b1 & 0xE0) == 0xE0 && (b1 & 0x06) != 0) {
            return Optional.of(MP3);
        }
        return Optional.empty();
    }
}
