package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RetryPolicy}'s backoff: exponential, capped, with jitter between half and all of the step. */
class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.defaults();

    @Test
    void theStepDoublesUntilTheCap() {
        assertThat(policy.backoff(1, () -> 0.999999)).isBetween(Duration.ofMillis(499), Duration.ofMillis(500));
        assertThat(policy.backoff(2, () -> 0.999999)).isBetween(Duration.ofMillis(999), Duration.ofMillis(1000));
        assertThat(policy.backoff(5, () -> 0.999999)).isBetween(Duration.ofMillis(7999), Duration.ofMillis(8000));
        assertThat(policy.backoff(30, () -> 0.999999)).isBetween(Duration.ofMillis(7999), Duration.ofMillis(8000));
    }

    @Test
    void jitterSpreadsTheWaitOverTheUpperHalfOfTheStep() {
        assertThat(policy.backoff(3, () -> 0.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.backoff(3, () -> 0.5)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void theDefaultsAreThoseDocumented() {
        assertThat(policy.maxAttempts()).isEqualTo(3);
        assertThat(policy.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryPolicy.noRetries().maxAttempts()).isEqualTo(1);
        assertThat(policy.withMaxAttempts(5)).isEqualTo(new RetryPolicy(5, policy.initialBackoff(), policy.maxBackoff(),
                policy.maxRetryAfter()));
    }
}
