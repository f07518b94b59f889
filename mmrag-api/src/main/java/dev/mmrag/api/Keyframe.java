package dev.mmrag.api;

import java.util.Optional;

/**
 * The image that represents a segment of a video: where a user can get it (a JPEG file the segmenter wrote, or a
 * URL) and the time of the frame it shows.
 *
 * <p>Thread-safety: immutable.
 *
 * @param reference the path or URL of the image (see {@link ImageContent#fromReference(String)}); not blank
 * @param timeMs the time of the frame in the video, in milliseconds from its start, at least 0
 */
public record Keyframe(String reference, long timeMs) {

    /** Validates the fields. */
    public Keyframe {
        if (reference == null || reference.isBlank()) {
            throw new InvalidInputException("a keyframe needs the path or URL of its image");
        }
        if (timeMs < 0) {
            throw new InvalidInputException("keyframe " + reference + " is at " + timeMs + " ms; expected at least 0");
        }
    }

    /** @return the keyframe as an image, when its reference is a usable path or URL; empty otherwise */
    public Optional<ImageContent> image() {
        try {
            return Optional.of(ImageContent.fromReference(reference));
        } catch (InvalidInputException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }
}
