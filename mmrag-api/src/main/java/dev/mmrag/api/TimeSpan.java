package dev.mmrag.api;

/**
 * A span of time inside a content (a video's shot, later an audio passage), in milliseconds from its start.
 *
 * <p>Thread-safety: immutable.
 *
 * @param startMs where the span starts, at least 0
 * @param endMs where it ends, at least {@code startMs}
 */
public record TimeSpan(long startMs, long endMs) {

    /** Validates the fields. */
    public TimeSpan {
        if (startMs < 0) {
            throw new InvalidInputException("time span starts at " + startMs + " ms; expected at least 0");
        }
        if (endMs < startMs) {
            throw new InvalidInputException("time span ends at " + endMs + " ms, before its start " + startMs
                    + " ms");
        }
    }

    /** @return the length in milliseconds */
    public long durationMs() {
        return endMs - startMs;
    }

    /**
     * @param ms a time in milliseconds
     * @param slackMs how far outside the span still counts, at least 0
     * @return whether {@code ms} lies in {@code [startMs - slackMs, endMs + slackMs]}
     */
    public boolean contains(long ms, long slackMs) {
        return ms >= startMs - slackMs && ms <= endMs + slackMs;
    }

    /** @return the span as a reader writes it, {@code 0:12-0:17} (hours when needed: {@code 1:02:03-1:02:09}) */
    public String describe() {
        return clock(startMs) + "-" + clock(endMs);
    }

    /**
     * @param ms a time in milliseconds
     * @return it as {@code m:ss}, or {@code h:mm:ss} from one hour on (whole seconds, rounded down)
     */
    public static String clock(long ms) {
        long seconds = ms / 1000;
        long h = seconds / 3600;
        long m = (seconds / 60) % 60;
        long s = seconds % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
    }
}
