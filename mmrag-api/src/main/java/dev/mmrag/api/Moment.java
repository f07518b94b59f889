package dev.mmrag.api;

import java.util.Optional;

/**
 * A matching segment of a found item: where it lies, how well it matches the query, and its keyframe. A
 * {@link SearchHit} and a {@link Retrieved} for a segmented item (a video) carry their best moments, best first.
 *
 * <p>Thread-safety: immutable.
 *
 * @param span where the moment lies in the item's content
 * @param score how well it matches, on the same scale as the item's score; finite
 * @param keyframe its keyframe (image and time), or null
 * @param kind whether the moment was seen (a shot) or heard (a transcript passage); not null
 * @param words for a {@link MomentKind#SPOKEN} moment, what was said in it; null for a visual one
 */
public record Moment(TimeSpan span, double score, Keyframe keyframe, MomentKind kind, String words) {

    /** Validates the fields. */
    public Moment {
        if (span == null) {
            throw new InvalidInputException("a moment needs a time span");
        }
        if (!Double.isFinite(score)) {
            throw new InvalidInputException("moment at " + span.describe() + " has non-finite score " + score);
        }
        if (kind == null) {
            throw new InvalidInputException("moment at " + span.describe() + " has no kind (VISUAL or SPOKEN)");
        }
        if (kind == MomentKind.SPOKEN && (words == null || words.isBlank())) {
            throw new InvalidInputException("spoken moment at " + span.describe() + " has no words");
        }
        if (kind == MomentKind.VISUAL && words != null) {
            throw new InvalidInputException("visual moment at " + span.describe() + " carries words; only a spoken"
                    + " moment does");
        }
    }

    /**
     * A visual moment (a shot of a video).
     *
     * @param span where the moment lies
     * @param score how well it matches; finite
     * @param keyframe its keyframe, or null
     */
    public Moment(TimeSpan span, double score, Keyframe keyframe) {
        this(span, score, keyframe, MomentKind.VISUAL, null);
    }

    /**
     * @param span where the passage lies
     * @param score how well it matches; finite
     * @param words what was said; not blank
     * @return a spoken moment, without keyframe
     */
    public static Moment spoken(TimeSpan span, double score, String words) {
        return new Moment(span, score, null, MomentKind.SPOKEN, words);
    }

    /** @return whether this moment was heard (a transcript passage) rather than seen */
    public boolean isSpoken() {
        return kind == MomentKind.SPOKEN;
    }

    /**
     * @return the keyframe as an image, when it is a usable path or URL; empty otherwise
     */
    public Optional<ImageContent> keyframeImage() {
        return keyframe == null ? Optional.empty() : keyframe.image();
    }

    /**
     * @param newScore another score
     * @return a copy with that score
     */
    public Moment withScore(double newScore) {
        return new Moment(span, newScore, keyframe, kind, words);
    }
}
