package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link CircuitBreaker}'s states, driven with explicit times. */
class CircuitBreakerTest {

    private static final long SECOND = 1_000_000_000L;
    private final CircuitBreaker breaker = CircuitBreaker.of(3, Duration.ofSeconds(10));

    private void fail(int times, long now) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire(now)).isTrue();
            breaker.onProviderFailed(now);
        }
    }

    @Test
    void opensAfterTheThresholdOfConsecutiveFailures() {
        fail(2, 0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(1, 0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire(9 * SECOND)).isFalse();
    }

    @Test
    void anAnswerResetsTheCount() {
        fail(2, 0);
        assertThat(breaker.tryAcquire(0)).isTrue();
        breaker.onProviderAnswered();
        fail(2, 0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void afterTheOpenDurationOneTrialAtATimeGoesThrough() {
        fail(3, 0);

        assertThat(breaker.tryAcquire(10 * SECOND)).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire(10 * SECOND)).as("a second caller while the trial runs").isFalse();
        breaker.onProviderAnswered();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire(10 * SECOND)).isTrue();
    }

    @Test
    void aFailedTrialReopensForAnotherOpenDuration() {
        fail(3, 0);
        assertThat(breaker.tryAcquire(10 * SECOND)).isTrue();
        breaker.onProviderFailed(10 * SECOND);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire(19 * SECOND)).isFalse();
        assertThat(breaker.tryAcquire(20 * SECOND)).isTrue();
    }

    @Test
    void aReleasedTrialLetsTheNextCallerTry() {
        fail(3, 0);
        assertThat(breaker.tryAcquire(10 * SECOND)).isTrue();
        breaker.release();

        assertThat(breaker.tryAcquire(10 * SECOND)).isTrue();
    }
}
