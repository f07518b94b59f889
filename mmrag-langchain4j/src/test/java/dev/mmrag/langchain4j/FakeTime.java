package dev.mmrag.langchain4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TimeSource} for tests: its clock only moves when the generator sleeps (or the test advances it), and
 * it records every sleep instead of waiting.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class FakeTime implements TimeSource {

    private long now = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        now += duration.toNanos();
    }

    /** @param duration how far to move the clock */
    synchronized void advance(Duration duration) {
        now += duration.toNanos();
    }

    /** @return the sleeps asked for, in order */
    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
