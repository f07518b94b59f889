package dev.mmrag.api;

import java.util.Optional;

/**
 * One time-coded part of a long content, as a {@link Segmenter} cuts it: the still or text an {@link Encoder}
 * embeds for that part, its span, and for video the reference of the keyframe that represents it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param span where the part lies in the content
 * @param content what to embed for it: a {@link TextContent} or an {@link ImageContent}, never a video
 * @param keyframe the image a user is shown for this part, its time inside the span, or null when there is none
 *     (a transcript passage)
 */
public record Segment(TimeSpan span, Content content, Keyframe keyframe) {

    /** Validates the fields. */
    public Segment {
        if (span == null) {
            throw new InvalidInputException("a segment needs a time span");
        }
        if (content == null) {
            throw new InvalidInputException("segment at " + span.describe() + " has no content");
        }
        if (content instanceof VideoContent) {
            throw new InvalidInputException("segment at " + span.describe() + " holds a video ("
                    + content.describe() + "); a segment holds a still image or a text");
        }
        if (keyframe != null && !span.contains(keyframe.timeMs(), 0)) {
            throw new InvalidInputException("segment at " + span.describe() + " has its keyframe at "
                    + keyframe.timeMs() + " ms, outside its span");
        }
    }

    /** @return the keyframe reference, if any */
    public Optional<Keyframe> keyframeIfPresent() {
        return Optional.ofNullable(keyframe);
    }
}
