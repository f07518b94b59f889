package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.HttpException;
import dev.mmrag.api.Answer;
import dev.mmrag.api.GenerationException;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Prompt;
import dev.mmrag.core.TemplateGenerator;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generator's own logic over in-memory {@link ScriptedModels} (no HTTP, no language model): which failures
 * are retried, deadlines against backoffs, Retry-After limits, fallbacks, streaming with and without a streaming
 * model, interruption, and the builder's checks. The wire protocols are tested in the *ProtocolTest classes.
 */
class LangChain4jGeneratorTest {

    private final FakeTime time = new FakeTime();
    private final Prompt prompt = StylePrompts.textAndPhoto();

    private LangChain4jGenerator.Builder over(ScriptedModels.Chat model) {
        return LangChain4jGenerator.builder().chatModel(model).name("scripted").timeSource(time).jitter(() -> 0.5);
    }

    @Test
    void networkErrorsAreRetried() {
        RuntimeException refused = new RuntimeException(new ConnectException("Connection refused"));
        ScriptedModels.Chat model = new ScriptedModels.Chat(ScriptedModels.fail(refused), ScriptedModels.fail(refused),
                ScriptedModels.answer("Third time lucky: [1]."));

        Answer answer = over(model).build().generate(prompt);

        assertThat(answer.text()).isEqualTo("Third time lucky: [1].");
        assertThat(model.calls.get()).isEqualTo(3);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(375), Duration.ofMillis(750));
    }

    @Test
    void anUnexpectedErrorIsNotRetried() {
        ScriptedModels.Chat model = new ScriptedModels.Chat(
                ScriptedModels.fail(new IllegalStateException("cannot parse the response")), ScriptedModels.answer("no"));

        Answer answer = over(model).fallback(TemplateGenerator.create()).build().generate(prompt);

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("scripted failed (invalid response)",
                "cannot parse the response"));
        assertThat(model.calls.get()).isEqualTo(1);
    }

    @Test
    void anEmptyAnswerGivesTheFallback() {
        ScriptedModels.Chat model = new ScriptedModels.Chat(ScriptedModels.answer("   "));

        Answer answer = over(model).fallback(TemplateGenerator.create()).build().generate(prompt);

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.text()).isEqualTo(TemplateGenerator.create().generate(prompt).text());
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("returned an empty answer"));
    }

    @Test
    void aRetryAfterLongerThanThePolicyAllowsEndsTheRetries() {
        RetryAfterRecorder recorder = new RetryAfterRecorder();
        ScriptedModels.Chat model = new ScriptedModels.Chat(request -> {
            try {
                recorder.put(null, Map.of("Retry-After", List.of("120")));
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new HttpException(429, "quota exceeded");
        }, ScriptedModels.answer("never asked"));

        Answer answer = over(model).retryAfter(recorder).fallback(TemplateGenerator.create()).build().generate(prompt);

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("HTTP 429",
                "asked to retry after 120.0 s, longer than the 30.0 s"));
        assertThat(model.calls.get()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void noRetryIsStartedThatCouldNotFinishBeforeTheDeadline() {
        ScriptedModels.Chat model = new ScriptedModels.Chat(ScriptedModels.fail(new HttpException(500, "oops")),
                ScriptedModels.answer("too late"));

        Answer answer = over(model).deadline(Duration.ofMillis(300)).fallback(TemplateGenerator.create()).build()
                .generate(prompt);

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("HTTP 500",
                "no time is left before the deadline of 0.3 s"));
        assertThat(model.calls.get()).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void withOnlyAStreamingModelGenerateCollectsTheStream() {
        ScriptedModels.Streaming model = new ScriptedModels.Streaming(List.of("Collected ", "in ", "full."));

        Answer answer = LangChain4jGenerator.builder().streamingChatModel(model).build().generate(prompt);

        assertThat(answer.text()).isEqualTo("Collected in full.");
        assertThat(answer.generator()).isEqualTo("other");
    }

    /**
     * A client may deliver a response it already has on the calling thread, inside {@code chat}: the queue between
     * the model and the caller must then take everything without waiting (a bounded, blocking queue waited for
     * itself forever once it was full).
     */
    @Test
    @Timeout(60)
    void aStreamDeliveredOnTheCallingThreadIsTakenWhole() {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            pieces.add("piece " + i + " ");
        }
        List<String> received = new ArrayList<>();

        Answer answer = LangChain4jGenerator.builder().streamingChatModel(new ScriptedModels.Streaming(pieces, true))
                .build().stream(prompt, received::add);

        assertThat(answer.text()).isEqualTo(String.join("", pieces));
        assertThat(String.join("", received)).isEqualTo(answer.text());
    }

    @Test
    @Timeout(60)
    void aStreamOverTheLimitDeliveredOnTheCallingThreadEndsWithTheFallback() {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            pieces.add("x".repeat(99) + " ");
        }

        Answer answer = LangChain4jGenerator.builder().streamingChatModel(new ScriptedModels.Streaming(pieces, true))
                .maxAnswerChars(1000).fallback(TemplateGenerator.create()).build().stream(prompt, piece -> { });

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("longer than the limit of 1000 characters"));
    }

    @Test
    void withOnlyAChatModelStreamDeliversTheAnswerInOnePiece() {
        List<String> received = new ArrayList<>();

        Answer answer = over(new ScriptedModels.Chat(ScriptedModels.answer("All at once: [1].")))
                .build().stream(prompt, received::add);

        assertThat(received).containsExactly("All at once: [1].");
        assertThat(answer.text()).isEqualTo("All at once: [1].");
    }

    @Test
    void streamUsesTheStreamingModelAndGenerateTheChatModelWhenBothAreThere() {
        ScriptedModels.Chat chat = new ScriptedModels.Chat(ScriptedModels.answer("whole"));
        ScriptedModels.Streaming streaming = new ScriptedModels.Streaming(List.of("in ", "pieces"));
        LangChain4jGenerator generator = over(chat).streamingChatModel(streaming).build();
        List<String> received = new ArrayList<>();

        assertThat(generator.generate(prompt).text()).isEqualTo("whole");
        assertThat(generator.stream(prompt, received::add).text()).isEqualTo("in pieces");
        assertThat(received).containsExactly("in ", "pieces");
        assertThat(chat.calls.get()).isEqualTo(1);
        assertThat(streaming.calls.get()).isEqualTo(1);
    }

    @Test
    void anInterruptedCallerGetsAGenerationExceptionAndKeepsItsInterruptFlag() {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModels.Chat model = new ScriptedModels.Chat(request -> {
            awaitQuietly(release);
            return ScriptedModels.answer("late").run(request);
        }, ScriptedModels.answer("after"));
        LangChain4jGenerator generator = over(model).build();

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> generator.generate(prompt)).isInstanceOf(GenerationException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            release.countDown();
        }
        assertThat(generator.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(generator.generate(prompt).text()).as("the next call works").isIn("late", "after");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailingFallbackIsReportedWithTheOriginalFailure() {
        ScriptedModels.Chat model = new ScriptedModels.Chat(ScriptedModels.fail(new HttpException(401, "bad key")));

        assertThatThrownBy(() -> over(model).fallback(p -> {
            throw new GenerationException("template missing");
        }).build().generate(prompt))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("the fallback failed too: template missing");
    }

    @Test
    void badArgumentsAreRefusedWithClearMessages() {
        LangChain4jGenerator generator = over(new ScriptedModels.Chat()).build();

        assertThatThrownBy(() -> LangChain4jGenerator.builder().build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs a chatModel, a streamingChatModel or both");
        assertThatThrownBy(() -> generator.generate(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> generator.stream(prompt, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("onText");
        assertThatThrownBy(() -> LangChain4jGenerator.builder().maxItemImages(-1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxItemImages is -1");
        assertThatThrownBy(() -> LangChain4jGenerator.builder().deadline(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("deadline is PT0S");
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxAttempts is 0");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> CircuitBreaker.of(0, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("failureThreshold is 0");
    }
}
