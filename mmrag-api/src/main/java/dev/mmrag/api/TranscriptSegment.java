package dev.mmrag.api;

/**
 * One timestamped passage of a transcript, as a {@link Transcriber} hears it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param startMs where the passage starts, in milliseconds from the start of the transcribed audio, at least 0
 * @param endMs where it ends, at least {@code startMs}
 * @param text what was said; not blank; stripped
 * @param language the language the engine detected (such as {@code en} or {@code english}), or null when it gave none
 * @param confidence how sure the engine is, in [0, 1], or null when it gave none
 */
public record TranscriptSegment(long startMs, long endMs, String text, String language, Double confidence) {

    /** Validates the fields. */
    public TranscriptSegment {
        if (startMs < 0 || endMs < startMs) {
            throw new InvalidInputException("transcript segment runs from " + startMs + " ms to " + endMs
                    + " ms; expected 0 <= start <= end");
        }
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("transcript segment at " + startMs + "-" + endMs + " ms has no text");
        }
        text = text.strip();
        if (language != null && language.isBlank()) {
            language = null;
        }
        if (confidence != null && !(confidence >= 0 && confidence <= 1)) {
            throw new InvalidInputException("transcript segment at " + startMs + "-" + endMs + " ms has confidence "
                    + confidence + "; expected a number in [0, 1]");
        }
    }

    /**
     * @param startMs where it starts
     * @param endMs where it ends
     * @param text what was said
     * @return a segment without language and confidence
     */
    public static TranscriptSegment of(long startMs, long endMs, String text) {
        return new TranscriptSegment(startMs, endMs, text, null, null);
    }

    /** @return the passage's span */
    public TimeSpan span() {
        return new TimeSpan(startMs, endMs);
    }

    /**
     * @param offsetMs how far to move it, at least {@code -startMs}
     * @return a copy moved by {@code offsetMs} (to put a piece's times back onto the whole recording)
     */
    public TranscriptSegment shifted(long offsetMs) {
        return new TranscriptSegment(startMs + offsetMs, endMs + offsetMs, text, language, confidence);
    }
}
