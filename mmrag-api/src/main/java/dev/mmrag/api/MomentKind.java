package dev.mmrag.api;

/**
 * Whether a {@link Moment} of an item was seen (a shot of a video, with its keyframe) or heard (a passage of what
 * is said in an audio recording or a video's sound track, with its words).
 *
 * <p>Thread-safety: immutable.
 */
public enum MomentKind {
    /** A shot or sub-shot of a video, represented by its keyframe. */
    VISUAL,
    /** A passage of speech, represented by its words. */
    SPOKEN
}
