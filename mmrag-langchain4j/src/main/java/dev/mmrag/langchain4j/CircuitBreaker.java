package dev.mmrag.langchain4j;

import dev.mmrag.api.InvalidInputException;
import java.time.Duration;

/**
 * Stops calling a language model that keeps failing, so that users get the fallback answer at once instead of
 * waiting for timeouts and retries against a provider that is down.
 *
 * <ul>
 *   <li><b>Closed</b> (normal): every attempt goes through. Each failed attempt that says the provider is unwell
 *       (a timeout of an attempt or of the whole call, a network error, HTTP 429 or 5xx) adds one to a count of consecutive failures; any answer
 *       from the provider, including a 4xx other than 429 or an unusable answer, resets it. When the count reaches
 *       {@code failureThreshold}, the circuit opens.</li>
 *   <li><b>Open</b>: no attempt goes through for {@code openDuration}; the generator answers with its fallback
 *       (or fails) at once.</li>
 *   <li><b>Half-open</b>: after {@code openDuration}, one trial attempt goes through (others are still refused
 *       while it runs). If it succeeds, the circuit closes; if it fails, it opens for another
 *       {@code openDuration}.</li>
 * </ul>
 *
 * <p>Defaults ({@link #create()}): opens after {@value #DEFAULT_FAILURE_THRESHOLD} consecutive failed attempts
 * and stays open 30 s. A breaker may be shared by several generators that call the same provider.
 *
 * <p>Thread-safety: safe for concurrent use (its methods are synchronized).
 */
public final class CircuitBreaker {

    /** The default number of consecutive failed attempts that opens the circuit. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** The default time the circuit stays open before a trial attempt. */
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);

    /** The breaker's state. */
    public enum State {
        /** Attempts go through. */
        CLOSED,
        /** Attempts are refused until the open duration has passed. */
        OPEN,
        /** One trial attempt is running (or allowed); its outcome closes or reopens the circuit. */
        HALF_OPEN
    }

    private final int failureThreshold;
    private final long openNanos;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean trialRunning;

    private CircuitBreaker(int failureThreshold, Duration openDuration) {
        if (failureThreshold < 1) {
            throw new InvalidInputException("failureThreshold is " + failureThreshold + "; expected 1 or more");
        }
        if (openDuration == null || openDuration.isNegative()) {
            throw new InvalidInputException("openDuration is " + openDuration + "; expected zero or more");
        }
        this.failureThreshold = failureThreshold;
        this.openNanos = openDuration.toNanos();
    }

    /** @return a breaker with the defaults: opens after 5 consecutive failures, for 30 s */
    public static CircuitBreaker create() {
        return new CircuitBreaker(DEFAULT_FAILURE_THRESHOLD, DEFAULT_OPEN_DURATION);
    }

    /**
     * @param failureThreshold consecutive failed attempts that open the circuit; 1 or more
     * @param openDuration how long the circuit stays open before a trial attempt
     * @return a breaker
     */
    public static CircuitBreaker of(int failureThreshold, Duration openDuration) {
        return new CircuitBreaker(failureThreshold, openDuration);
    }

    /** @return the current state (an open circuit whose time is up still reports OPEN until the next attempt) */
    public synchronized State state() {
        return state;
    }

    /** @return the open duration, for messages */
    Duration openDuration() {
        return Duration.ofNanos(openNanos);
    }

    /**
     * Asks whether an attempt may go through now.
     *
     * @param now the time, from the generator's {@link TimeSource}
     * @return true when the attempt may go through (it must then report its outcome)
     */
    synchronized boolean tryAcquire(long now) {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (now - openedAt < openNanos) {
                    return false;
                }
                state = State.HALF_OPEN;
                trialRunning = true;
                return true;
            default:
                if (trialRunning) {
                    return false;
                }
                trialRunning = true;
                return true;
        }
    }

    /** Records that the provider answered (successfully, or with a client error that is not its fault). */
    synchronized void onProviderAnswered() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialRunning = false;
    }

    /**
     * Records a failed attempt that says the provider is unwell.
     *
     * @param now the time, from the generator's {@link TimeSource}
     */
    synchronized void onProviderFailed(long now) {
        trialRunning = false;
        consecutiveFailures++;
        if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            state = State.OPEN;
            openedAt = now;
        }
    }

    /** Gives back an acquired attempt that ended without an outcome (the caller was interrupted). */
    synchronized void release() {
        trialRunning = false;
    }

    @Override
    public synchronized String toString() {
        return "CircuitBreaker[" + state + ", failures=" + consecutiveFailures + "/" + failureThreshold + ", open for "
                + Duration.ofNanos(openNanos) + "]";
    }
}
