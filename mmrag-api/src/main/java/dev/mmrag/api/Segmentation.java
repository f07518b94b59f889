package dev.mmrag.api;

import java.util.List;

/**
 * What a {@link Segmenter} made of one content: its segments in time order, and warnings about parts it could
 * not read (corrupt packets in the middle of a video, for example) that did not stop it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param segments the segments, in time order; copied; may be empty only when there are warnings saying why
 * @param warnings what went wrong without stopping the segmentation; copied
 * @param durationMs how long the content is, as far as it was read, in milliseconds, at least 0
 */
public record Segmentation(List<Segment> segments, List<String> warnings, long durationMs) {

    /** Validates and copies the fields. */
    public Segmentation {
        if (segments == null || warnings == null) {
            throw new InvalidInputException("a segmentation needs its segments and warnings (empty lists for none)");
        }
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
        if (durationMs < 0) {
            throw new InvalidInputException("segmentation duration is " + durationMs + " ms; expected at least 0");
        }
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).span().startMs() < segments.get(i - 1).span().startMs()) {
                throw new InvalidInputException("segment " + i + " starts at " + segments.get(i).span().startMs()
                        + " ms, before segment " + (i - 1) + "; segments must be in time order");
            }
        }
    }
}
