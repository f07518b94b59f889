package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.Answer;
import dev.mmrag.api.GenerationException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.TrustedImageSources;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every provider back end must do, checked against a {@link FakeLlmServer}: a local JDK HTTP server that
 * speaks the provider's wire protocol (see {@link WireProtocol}) and records what it receives. No language model
 * runs in these tests: the server's answers are scripted. What is tested is mmrag's side through the provider's
 * real LangChain4j client: the request it sends (instructions, delimited context, images), streamed answers,
 * retries with Retry-After, fallbacks, deadlines, the circuit breaker and link safety.
 *
 * <p>Real parts: the catalogue's JPEG photos, mmrag-core's DefaultAugmenter and TemplateGenerator, LangChain4j's
 * provider clients over the JDK HTTP client. The generator trusts the catalogue's folder for item images.
 */
abstract class ChatProtocolContract {

    static final String MODEL = "test-model";
    static final String KEY = "sk-test-5c1e9b2f7a3d4e6f0b8a";
    static final Duration FIRST_BACKOFF = Duration.ofMillis(375);
    static final Duration SECOND_BACKOFF = Duration.ofMillis(750);

    FakeLlmServer server;
    final FakeTime time = new FakeTime();

    /** @return the wire protocol of the provider under test */
    abstract WireProtocol protocol();

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeLlmServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /**
     * A builder for the provider under test, pointed at the fake server, with a fake clock and a fixed jitter
     * (0.5, so backoffs are 375 ms, then 750 ms).
     */
    ProviderGeneratorBuilder provider() {
        ProviderGeneratorBuilder builder = LangChain4jGenerator.forProvider(protocol().provider())
                .baseUrl(protocol().baseUrl(server)).apiKey(KEY).modelName(MODEL).timeSource(time)
                .trustedImages(TrustedImageSources.ofFolders(TestData.styleCatalog()));
        builder.generatorBuilder().jitter(() -> 0.5);
        return builder;
    }

    static JsonNode json(String body) {
        try {
            return StylePrompts.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void requestCarriesTheInstructionsTheDelimitedContextAndTheImages() {
        server.enqueue(protocol().answer("The best match is [1]."));
        Prompt prompt = StylePrompts.textAndPhoto();

        Answer answer = provider().build().generate(prompt);

        assertThat(answer.text()).isEqualTo("The best match is [1].");
        assertThat(answer.fallback()).isFalse();
        assertThat(answer.generator()).isEqualTo(protocol().provider().id() + ":" + MODEL);
        assertThat(answer.sources()).isEqualTo(prompt.sources());
        assertThat(answer.warnings()).isEmpty();
        FakeLlmServer.Recorded request = server.lastRequest();
        assertThat(protocol().isChatPath(request.path(), false)).as(request.path()).isTrue();
        JsonNode body = json(request.body());
        assertThat(protocol().systemText(body)).isEqualTo(prompt.system());
        assertThat(protocol().userText(body))
                .contains(prompt.user())
                .contains("<source n=\"1\" id=\"sku-0002\">", "<source n=\"3\" id=\"sku-0003\">", "</source>")
                .containsSubsequence(PromptMessages.USER_PHOTO_LABEL, "Image of source [1]:", "Image of source [2]:")
                .doesNotContain("Image of source [3]:");
        List<WireProtocol.SentImage> images = protocol().images(body);
        assertThat(images).hasSize(3);
        byte[][] expected = {StylePrompts.bytes(StylePrompts.queryImage()),
            StylePrompts.bytes(StylePrompts.productImage("sku-0002")),
            StylePrompts.bytes(StylePrompts.productImage("sku-0001"))};
        for (int i = 0; i < expected.length; i++) {
            assertThat(Base64.getDecoder().decode(images.get(i).base64())).as("image %d", i).isEqualTo(expected[i]);
            if (images.get(i).mediaType() != null) {
                assertThat(images.get(i).mediaType()).isEqualTo("image/jpeg");
            }
        }
    }

    @Test
    void streamedAnswerIsDeliveredPieceByPieceAndAssembled() {
        List<String> pieces = List.of("The best ", "match is ", "[1], the Red Striped T-Shirt.");
        server.enqueue(protocol().stream(pieces));
        List<String> received = new ArrayList<>();

        Answer answer = provider().build().stream(StylePrompts.textAndPhoto(), received::add);

        assertThat(received).containsExactlyElementsOf(pieces);
        assertThat(answer.text()).isEqualTo(String.join("", pieces));
        assertThat(answer.fallback()).isFalse();
        assertThat(protocol().isChatPath(server.lastRequest().path(), true)).as(server.lastRequest().path()).isTrue();
        assertThat(protocol().images(json(server.lastRequest().body()))).hasSize(3);
    }

    @Test
    void rateLimitIsRetriedAfterTheRetryAfterTheProviderAskedFor() {
        server.enqueue(protocol().error(429, "slow down", "Retry-After", "2"), protocol().answer("Here it is: [1]."));

        Answer answer = provider().build().generate(StylePrompts.textAndPhoto());

        assertThat(answer.text()).isEqualTo("Here it is: [1].");
        assertThat(answer.fallback()).isFalse();
        assertThat(server.requests()).hasSize(2);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void streamedRateLimitIsRetriedAfterTheRetryAfterToo() {
        server.enqueue(protocol().error(429, "slow down", "Retry-After", "3"), protocol().stream(List.of("Fine ", "now.")));
        List<String> received = new ArrayList<>();

        Answer answer = provider().build().stream(StylePrompts.textAndPhoto(), received::add);

        assertThat(answer.text()).isEqualTo("Fine now.");
        assertThat(String.join("", received)).isEqualTo("Fine now.");
        assertThat(server.requests()).hasSize(2);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void serverErrorThreeTimesGivesTheFallbackAnswer() {
        server.enqueue(protocol().error(500, "boom"), protocol().error(500, "boom"), protocol().error(500, "boom"),
                protocol().answer("this answer comes too late"));
        Prompt prompt = StylePrompts.textAndPhoto();

        Answer answer = provider().fallback(TemplateGenerator.create()).build().generate(prompt);

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.generator()).isEqualTo(TemplateGenerator.NAME);
        assertThat(answer.text()).isEqualTo(TemplateGenerator.create().generate(prompt).text());
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains(protocol().provider().id(), "HTTP 500",
                "3 attempts", "fallback"));
        assertThat(server.requests()).hasSize(3);
        assertThat(time.sleeps()).containsExactly(FIRST_BACKOFF, SECOND_BACKOFF);
    }

    @Test
    void clientErrorIsNotRetried() {
        server.enqueue(protocol().error(400, "bad request"), protocol().answer("never sent"));

        Answer answer = provider().fallback(TemplateGenerator.create()).build().generate(StylePrompts.textAndPhoto());

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("HTTP 400", "1 attempt"));
        assertThat(server.requests()).hasSize(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void withoutAFallbackTheFinalFailureIsAGenerationException() {
        server.enqueue(protocol().error(503, "down"), protocol().error(503, "down"), protocol().error(503, "down"));
        LangChain4jGenerator generator = provider().build();

        assertThatThrownBy(() -> generator.generate(StylePrompts.textAndPhoto()))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining(protocol().provider().id() + ":" + MODEL)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("3 attempts");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    @Timeout(30)
    void hungServerHitsTheDeadline() {
        server.enqueue(FakeLlmServer.hang(), FakeLlmServer.hang());
        LangChain4jGenerator generator = provider().timeSource(TimeSource.SYSTEM).deadline(Duration.ofMillis(700))
                .timeout(Duration.ofSeconds(20)).fallback(TemplateGenerator.create()).build();
        List<String> received = new ArrayList<>();

        Answer answer = generator.generate(StylePrompts.textAndPhoto());
        Answer streamed = generator.stream(StylePrompts.textAndPhoto(), received::add);

        for (Answer a : List.of(answer, streamed)) {
            assertThat(a.fallback()).isTrue();
            assertThat(a.warnings()).anySatisfy(w -> assertThat(w).contains("deadline of 0.7 s", "1 attempt"));
        }
        assertThat(String.join("", received)).isEqualTo(streamed.text());
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    @Timeout(30)
    void streamThatGoesSilentAfterSomeTextEndsWithTheFallbackAfterIt() {
        server.enqueue(protocol().streamThenHang(List.of("Partial answer about [1] ")), protocol().answer("unused"));
        Prompt prompt = StylePrompts.textAndPhoto();
        LangChain4jGenerator generator = provider().timeSource(TimeSource.SYSTEM).timeout(Duration.ofMillis(500))
                .deadline(Duration.ofSeconds(20)).fallback(TemplateGenerator.create()).build();
        List<String> received = new ArrayList<>();

        Answer answer = generator.stream(prompt, received::add);

        String template = TemplateGenerator.create().generate(prompt).text();
        assertThat(answer.fallback()).isTrue();
        assertThat(answer.text()).isEqualTo("Partial answer about [1] \n\n" + template);
        assertThat(String.join("", received)).isEqualTo(answer.text());
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("did not answer within 0.5 s"));
        assertThat(server.requests()).as("no retry once text was shown").hasSize(1);
    }

    @Test
    void foreignLinkInTheAnswerIsRemovedAndReported() {
        server.enqueue(protocol().answer(
                "Buy it at https://evil.example/login or at https://shop.example/products/sku-0002."));

        Answer answer = provider().build().generate(StylePrompts.textAndPhoto());

        assertThat(answer.text()).isEqualTo(
                "Buy it at [link removed] or at https://shop.example/products/sku-0002.");
        assertThat(answer.warnings()).singleElement().asString().contains("evil.example");
    }

    @Test
    void foreignLinkStreamedInPiecesNeverReachesTheConsumer() {
        server.enqueue(protocol().stream(List.of("Buy it at htt", "ps://ev", "il.exa", "mple/login now", " or at ",
                "https://shop.exa", "mple/products/sku-0002", ".")));
        List<String> received = new ArrayList<>();

        Answer answer = provider().build().stream(StylePrompts.textAndPhoto(), received::add);

        String expected = "Buy it at [link removed] now or at https://shop.example/products/sku-0002.";
        assertThat(String.join("", received)).isEqualTo(expected);
        assertThat(received).noneSatisfy(piece -> assertThat(piece).containsAnyOf("ev", "il.exa", "login"));
        assertThat(answer.text()).isEqualTo(expected);
        assertThat(answer.warnings()).singleElement().asString().contains("evil.example");
    }

    @Test
    void aNonJsonBodyWithStatus200IsAProtocolErrorAndIsNotRetried() {
        server.enqueue(FakeLlmServer.raw(200, "text/html", "<html><body>Welcome to the captive portal</body></html>"),
                protocol().answer("never sent"), protocol().answer("never sent"));

        Answer answer = provider().fallback(TemplateGenerator.create()).build().generate(StylePrompts.textAndPhoto());

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("protocol error", "1 attempt")
                .doesNotContain("network"));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aStreamedAnswerOverTheLengthLimitIsCutOffAndTheFallbackFollowsIt() {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pieces.add("word" + i + " ");
        }
        server.enqueue(protocol().stream(pieces), protocol().answer("never sent"));
        Prompt prompt = StylePrompts.textAndPhoto();
        LangChain4jGenerator generator = provider().maxAnswerChars(300).fallback(TemplateGenerator.create()).build();
        List<String> received = new ArrayList<>();

        Answer answer = generator.stream(prompt, received::add);

        String template = TemplateGenerator.create().generate(prompt).text();
        assertThat(answer.fallback()).isTrue();
        assertThat(answer.text()).endsWith("\n\n" + template);
        assertThat(answer.text().length() - template.length() - 2).isLessThanOrEqualTo(300);
        assertThat(String.join("", received)).isEqualTo(answer.text());
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("longer than the limit of 300 characters"));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void anAnswerOverTheLengthLimitIsReplacedByTheFallback() {
        server.enqueue(protocol().answer("x".repeat(301)));
        Prompt prompt = StylePrompts.textAndPhoto();

        Answer answer = provider().maxAnswerChars(300).fallback(TemplateGenerator.create()).build().generate(prompt);

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.text()).isEqualTo(TemplateGenerator.create().generate(prompt).text());
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aFailureAnsweredByTheFallbackIsReportedInTheAnswerAndNotAlsoLoggedAsAWarning() {
        server.enqueue(protocol().error(400, "bad request"));
        try (LogCapture logs = new LogCapture()) {
            Answer answer = provider().fallback(TemplateGenerator.create()).build().generate(StylePrompts.textAndPhoto());

            assertThat(answer.warnings()).filteredOn(w -> w.contains("HTTP 400")).hasSize(1);
            assertThat(logs.text()).doesNotContain("WARNING");
        }
    }

    @Test
    void circuitOpensAfterRepeatedFailuresAndClosesAfterASuccessfulTrial() {
        server.enqueue(protocol().error(502, "bad gateway"), protocol().error(502, "bad gateway"),
                protocol().answer("Back again: [1]."));
        LangChain4jGenerator generator = provider().retryPolicy(RetryPolicy.defaults().withMaxAttempts(2))
                .circuitBreaker(CircuitBreaker.of(2, Duration.ofSeconds(30))).fallback(TemplateGenerator.create()).build();
        Prompt prompt = StylePrompts.textAndPhoto();

        assertThat(generator.generate(prompt).fallback()).isTrue();
        assertThat(generator.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);

        Answer whileOpen = generator.generate(prompt);
        assertThat(whileOpen.fallback()).isTrue();
        assertThat(whileOpen.warnings()).anySatisfy(w -> assertThat(w).contains("circuit breaker is open"));
        assertThat(server.requests()).as("no request while the circuit is open").hasSize(2);

        time.advance(Duration.ofSeconds(31));
        Answer afterTrial = generator.generate(prompt);
        assertThat(afterTrial.fallback()).isFalse();
        assertThat(afterTrial.text()).isEqualTo("Back again: [1].");
        assertThat(generator.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(server.requests()).hasSize(3);
    }
}
