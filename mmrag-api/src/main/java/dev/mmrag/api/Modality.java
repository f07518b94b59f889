package dev.mmrag.api;

/**
 * The kind of a {@link Content}. An {@link Encoder} reports the modalities it can embed.
 *
 * <p>Thread-safety: immutable.
 */
public enum Modality {
    /** Natural-language text. */
    TEXT,
    /** A still image (JPEG, PNG, ...). */
    IMAGE,
    /**
     * A video (MP4, MOV, MKV, WebM, ...). Encoders embed stills and texts; a {@link Segmenter} turns a video into
     * time-coded {@link Segment}s of those first.
     */
    VIDEO,
    /**
     * Audio (WAV, FLAC, MP3, M4A/AAC, Ogg Vorbis/Opus, ...). What is said is transcribed by a {@link Transcriber}
     * and indexed as time-coded text {@link Segment}s.
     */
    AUDIO
}
