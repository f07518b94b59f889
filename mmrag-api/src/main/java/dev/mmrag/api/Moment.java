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
 */
public record Moment(TimeSpan span, double score, Keyframe keyframe) {

    /** Validates the fields. */
    public Moment {
        if (span == null) {
            throw new InvalidInputException("a moment needs a time span");
        }
        if (!Double.isFinite(score)) {
            throw new InvalidInputException("moment at " + span.describe() + " has non-finite score " + score);
        }
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
        return new Moment(span, newScore, keyframe);
    }
}
