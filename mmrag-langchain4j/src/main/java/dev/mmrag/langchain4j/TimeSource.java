package dev.mmrag.langchain4j;

import java.time.Duration;

/**
 * The clock and the sleeper that {@link LangChain4jGenerator} uses for its deadline, its backoff between retries
 * and its circuit breaker. Production code uses {@link #SYSTEM}; tests pass a fake that records the sleeps and
 * advances its own clock, so that retry behaviour is tested without waiting.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use; {@link #SYSTEM} is.
 */
public interface TimeSource {

    /** The real monotonic clock ({@link System#nanoTime()}) and {@link Thread#sleep(long, int)}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        }
    };

    /** @return a monotonic time in nanoseconds, as {@link System#nanoTime()}: only differences are meaningful */
    long nanoTime();

    /**
     * Waits before the next attempt.
     *
     * @param duration how long to wait; zero or negative returns at once
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
}
