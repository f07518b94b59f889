package dev.mmrag.api;

import java.util.List;

/**
 * What a {@link Transcriber} heard in one piece of audio: its timestamped passages in time order, the language
 * when the engine says it, and warnings (passages it clamped or dropped, for example).
 *
 * <p>Thread-safety: immutable.
 *
 * @param segments the passages, in time order (each starts no earlier than the previous one); copied; empty for
 *     silence, which is not an error
 * @param language the language of the whole piece, or null when the engine gave none
 * @param warnings what was corrected or dropped in the engine's answer; copied
 */
public record Transcription(List<TranscriptSegment> segments, String language, List<String> warnings) {

    /** Validates and copies the fields. */
    public Transcription {
        if (segments == null || warnings == null) {
            throw new InvalidInputException("a transcription needs its segments and warnings (empty lists for none)");
        }
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).startMs() < segments.get(i - 1).startMs()) {
                throw new InvalidInputException("transcript segment " + i + " starts at " + segments.get(i).startMs()
                        + " ms, before segment " + (i - 1) + " (" + segments.get(i - 1).startMs()
                        + " ms); segments must be in time order");
            }
        }
        if (language != null && language.isBlank()) {
            language = null;
        }
    }

    /** @return the words of all passages, joined by spaces */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (TranscriptSegment segment : segments) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(segment.text());
        }
        return text.toString();
    }
}
