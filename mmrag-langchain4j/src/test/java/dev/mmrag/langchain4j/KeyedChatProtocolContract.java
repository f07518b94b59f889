package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmrag.api.GenerationException;
import dev.mmrag.api.Answer;
import dev.mmrag.api.Prompt;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatProtocolContract} for providers that take an API key (OpenAI, Anthropic, Gemini): the key reaches
 * the provider, and never appears in a log line or an exception, not even when the server echoes it in its error
 * body. Like the base contract, this runs against a {@link FakeLlmServer} that speaks the provider's protocol; no
 * language model runs here.
 */
abstract class KeyedChatProtocolContract extends ChatProtocolContract {

    /** @return the key as the recorded request carried it (from its header) */
    abstract String keyIn(FakeLlmServer.Recorded request);

    @Test
    void apiKeyReachesTheProviderButNeverALogOrAnExceptionMessage() {
        Prompt prompt = StylePrompts.textAndPhoto();
        try (LogCapture logs = new LogCapture()) {
            server.enqueue(protocol().answer("Fine: [1]."));
            LangChain4jGenerator generator = provider().retryPolicy(RetryPolicy.defaults().withMaxAttempts(2)).build();
            generator.generate(prompt);
            assertThat(keyIn(server.lastRequest())).isEqualTo(KEY);

            server.enqueue(protocol().error(401, "Incorrect API key provided: " + KEY));
            GenerationException unauthorized = catchThrowableOfType(GenerationException.class,
                    () -> generator.generate(prompt));
            server.enqueue(protocol().error(500, "upstream failed for key " + KEY),
                    protocol().error(500, "upstream failed for key " + KEY));
            GenerationException serverError = catchThrowableOfType(GenerationException.class,
                    () -> generator.generate(prompt));
            server.enqueue(protocol().error(403, "key " + KEY + " may not use this model"));
            GenerationException streamed = catchThrowableOfType(GenerationException.class,
                    () -> generator.stream(prompt, piece -> { }));

            assertThat(unauthorized.getMessage()).contains("HTTP 401", "[redacted]");
            assertThat(serverError.getMessage()).contains("HTTP 500", "[redacted]");
            assertThat(streamed.getMessage()).contains("HTTP 403");
            for (GenerationException e : new GenerationException[] {unauthorized, serverError, streamed}) {
                assertThat(printed(e)).doesNotContain(KEY).doesNotContain(KEY.substring(KEY.length() - 10));
            }
            assertThat(logs.text()).contains("HTTP 401", "HTTP 500", "HTTP 403")
                    .doesNotContain(KEY).doesNotContain(KEY.substring(KEY.length() - 10));
        }
    }

    @Test
    void anApiKeyTheModelEchoesIsRedactedFromTheAnswerAlsoWhenStreamedInPieces() {
        String half = KEY.substring(0, KEY.length() / 2);
        server.enqueue(protocol().answer("Your key is " + KEY + "."),
                protocol().stream(List.of("The key: ", half, KEY.substring(half.length()) + " and again " + KEY, "!")));
        LangChain4jGenerator generator = provider().build();
        List<String> received = new ArrayList<>();

        Answer whole = generator.generate(StylePrompts.textAndPhoto());
        Answer streamed = generator.stream(StylePrompts.textAndPhoto(), received::add);

        assertThat(whole.text()).isEqualTo("Your key is [redacted].");
        assertThat(streamed.text()).isEqualTo("The key: [redacted] and again [redacted]!");
        assertThat(String.join("", received)).isEqualTo(streamed.text());
        assertThat(received).noneSatisfy(piece -> assertThat(piece).contains(half));
    }

    /** The exception as a log would print it: messages, causes and stack traces. */
    private static String printed(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
