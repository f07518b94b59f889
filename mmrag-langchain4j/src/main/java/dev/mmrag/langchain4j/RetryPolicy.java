package dev.mmrag.langchain4j;

import dev.mmrag.api.InvalidInputException;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How {@link LangChain4jGenerator} retries a failed call to a language model.
 *
 * <p>Only transient failures are retried: a timeout of one attempt, a network error, HTTP 429 (rate limited) and
 * HTTP 5xx. Any other 4xx (a bad key, an unknown model, a malformed request) fails at once, since repeating the
 * same request cannot help. Retry number {@code n} (1 for the first retry) waits an exponential backoff with
 * jitter: a random time between half and all of {@code min(initialBackoff * 2^(n-1), maxBackoff)}, so that
 * clients that failed together do not retry together. When the provider said how long to wait (a
 * {@code Retry-After} header on a 429 or 5xx answer), the wait is at least that long; if it asks for more than
 * {@link #maxRetryAfter()}, or no attempt fits before the generator's deadline any more, the generator stops
 * retrying.
 *
 * <p>Defaults ({@link #defaults()}): {@value #DEFAULT_MAX_ATTEMPTS} attempts in all, initial backoff 500 ms,
 * maximum backoff 8 s, maximum {@code Retry-After} honoured 30 s.
 *
 * <p>Thread-safety: immutable.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry
 * @param initialBackoff the backoff before the first retry (before jitter); positive
 * @param maxBackoff the largest backoff (before jitter); at least {@code initialBackoff}
 * @param maxRetryAfter the longest {@code Retry-After} the generator waits for; zero or more
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** The default number of attempts, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Validates the fields. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new InvalidInputException("maxAttempts is " + maxAttempts + "; expected 1 or more (1 = no retry)");
        }
        if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new InvalidInputException("initialBackoff is " + initialBackoff + "; expected a positive duration");
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidInputException("maxBackoff is " + maxBackoff + "; expected at least initialBackoff ("
                    + initialBackoff + ")");
        }
        if (maxRetryAfter == null || maxRetryAfter.isNegative()) {
            throw new InvalidInputException("maxRetryAfter is " + maxRetryAfter + "; expected zero or more");
        }
    }

    /** @return the default policy: 3 attempts, backoff 500 ms doubling up to 8 s, Retry-After honoured up to 30 s */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(30));
    }

    /** @return a policy that makes one attempt and never retries */
    public static RetryPolicy noRetries() {
        RetryPolicy defaults = defaults();
        return new RetryPolicy(1, defaults.initialBackoff, defaults.maxBackoff, defaults.maxRetryAfter);
    }

    /**
     * @param maxAttempts attempts in all
     * @return a copy with that number of attempts
     */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /**
     * The wait before a retry, without any {@code Retry-After}.
     *
     * @param retry 1 for the first retry, 2 for the second, ...
     * @param random a source of uniform numbers in [0, 1) for the jitter
     * @return between half and all of {@code min(initialBackoff * 2^(retry-1), maxBackoff)}
     */
    Duration backoff(int retry, DoubleSupplier random) {
        long max = maxBackoff.toNanos();
        long step = initialBackoff.toNanos();
        for (int i = 1; i < retry && step < max; i++) {
            step = Math.min(max, step * 2);
        }
        step = Math.min(step, max);
        double fraction = 0.5 + 0.5 * random.getAsDouble();
        return Duration.ofNanos((long) (step * fraction));
    }
}
