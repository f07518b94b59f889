package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.mmrag.api.Answer;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.core.TemplateGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProviderGeneratorBuilder}: keys from the builder or the environment, defaults, and connection errors.
 * Requests go to a {@link FakeLlmServer} speaking OpenAI's protocol; no language model runs here.
 */
class ProviderGeneratorBuilderTest {

    private FakeLlmServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeLlmServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private ProviderGeneratorBuilder openAi(Map<String, String> environment) {
        return LangChain4jGenerator.forProvider(LlmProvider.OPENAI).baseUrl(server.url() + "/v1")
                .environment(environment::get);
    }

    @Test
    void aBaseUrlThatIsNotAnHttpUrlWithAHostIsRefusedAtOnce() {
        for (String bad : new String[] {"notaurl", "localhost:11434", "ftp://host/v1", "file:///etc/passwd",
            "http://", "http:///v1", "https://host/v1?x=1", "http://ho st/v1"}) {
            assertThatThrownBy(() -> LangChain4jGenerator.forProvider(LlmProvider.OLLAMA).baseUrl(bad))
                    .as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("base URL '" + bad + "'").hasMessageContaining("expected an http or https URL");
        }
        assertThat(LangChain4jGenerator.forProvider(LlmProvider.OLLAMA).baseUrl("HTTP://127.0.0.1:11434").build().name())
                .startsWith("ollama:");
    }

    @Test
    void theKeyIsReadFromTheProvidersEnvironmentVariable() {
        server.enqueue(OpenAiProtocolTest.OPENAI.answer("ok"));

        openAi(Map.of("OPENAI_API_KEY", "env-key-1234")).build().generate(StylePrompts.textAndPhoto());

        assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer env-key-1234");
    }

    @Test
    void aKeyGivenToTheBuilderWinsOverTheEnvironment() {
        server.enqueue(OpenAiProtocolTest.OPENAI.answer("ok"));

        openAi(Map.of("OPENAI_API_KEY", "env-key-1234")).apiKey("builder-key-5678").build()
                .generate(StylePrompts.textAndPhoto());

        assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer builder-key-5678");
    }

    @Test
    void withoutAModelNameTheProvidersDefaultModelIsUsed() {
        server.enqueue(OpenAiProtocolTest.OPENAI.answer("ok"));

        Answer answer = openAi(Map.of("OPENAI_API_KEY", "k")).build().generate(StylePrompts.textAndPhoto());

        assertThat(ChatProtocolContract.json(server.lastRequest().body()).get("model").asText())
                .isEqualTo(LlmProvider.OPENAI.defaultModel());
        assertThat(answer.generator()).isEqualTo("openai:" + LlmProvider.OPENAI.defaultModel());
    }

    @Test
    void anOpenAiCompatibleServerMayBeCalledWithoutAKey() {
        server.enqueue(OpenAiProtocolTest.OPENAI.answer("ok"));

        Answer answer = openAi(Map.of()).build().generate(StylePrompts.textAndPhoto());

        assertThat(answer.text()).isEqualTo("ok");
        assertThat(server.lastRequest().headers()).doesNotContainKey("authorization");
    }

    @Test
    void aMissingKeyNamesTheVariableToSet() {
        for (LlmProvider provider : new LlmProvider[] {LlmProvider.OPENAI, LlmProvider.ANTHROPIC, LlmProvider.GEMINI}) {
            assertThatThrownBy(() -> LangChain4jGenerator.forProvider(provider).environment(name -> null).build())
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("no API key for " + provider.id())
                    .hasMessageContaining(provider.keyVariable());
        }
        assertThat(LangChain4jGenerator.forProvider(LlmProvider.OLLAMA).environment(name -> null).build().name())
                .isEqualTo("ollama:" + LlmProvider.OLLAMA.defaultModel());
    }

    @Test
    void aRefusedConnectionIsRetriedThenFallsBack() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FakeTime time = new FakeTime();
        ProviderGeneratorBuilder builder = LangChain4jGenerator.forProvider(LlmProvider.OPENAI)
                .baseUrl("http://127.0.0.1:" + closedPort + "/v1").apiKey("k").timeSource(time)
                .fallback(TemplateGenerator.create());

        Answer answer = builder.build().generate(StylePrompts.textAndPhoto());

        assertThat(answer.fallback()).isTrue();
        assertThat(answer.warnings()).anySatisfy(w -> assertThat(w).contains("network", "3 attempts"));
        assertThat(time.sleeps()).hasSize(2);
    }

    /**
     * Every provider's model passes its whole timeout to its HTTP client builder as the connect timeout too; the
     * JDK client gets the connect timeout its builder holds once the models are built.
     */
    @Test
    void theConnectTimeoutIsAtMostTenSecondsWhateverTheModelsPass() {
        for (LlmProvider provider : LlmProvider.values()) {
            JdkHttpClientBuilder http = JdkHttpClient.builder();

            LangChain4jGenerator.forProvider(provider).apiKey("k").timeout(Duration.ofSeconds(45)).httpClients(() -> http)
                    .build();

            assertThat(http.connectTimeout()).as(provider.id()).isEqualTo(Duration.ofSeconds(10));
            assertThat(http.readTimeout()).as(provider.id()).isEqualTo(Duration.ofSeconds(45));
        }
        JdkHttpClientBuilder shortAttempts = JdkHttpClient.builder();
        LangChain4jGenerator.forProvider(LlmProvider.OPENAI).apiKey("k").timeout(Duration.ofSeconds(4))
                .httpClients(() -> shortAttempts).build();
        assertThat(shortAttempts.connectTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void providersAreFoundByTheirCommandLineNames() {
        assertThat(LlmProvider.fromId("OpenAI")).isEqualTo(LlmProvider.OPENAI);
        assertThat(LlmProvider.fromId("gemini")).isEqualTo(LlmProvider.GEMINI);
        assertThatThrownBy(() -> LlmProvider.fromId("mistral")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'mistral'").hasMessageContaining("openai, ollama, anthropic, gemini");
    }

    @Test
    void valuesWithStraySpacesAreRefused() {
        assertThatThrownBy(() -> LangChain4jGenerator.forProvider(LlmProvider.OPENAI).apiKey(" key "))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("API key has leading or trailing spaces");
    }
}
