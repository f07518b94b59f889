package dev.mmrag.langchain4j;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.mmrag.api.Generator;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.TrustedImageSources;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds a {@link LangChain4jGenerator} for one of the ready-made providers: its chat model for
 * {@code generate}, its streaming model for {@code stream}, with LangChain4j's own retries off (the generator
 * retries), its request logging off (LangChain4j's logs show part of the key, and Gemini's URLs), and an HTTP
 * client that reports {@code Retry-After} headers to the generator. Switching provider is one argument:
 * <pre>{@code
 * Generator llm = LangChain4jGenerator.forProvider(LlmProvider.OLLAMA)   // or OPENAI, ANTHROPIC, GEMINI
 *         .modelName("llava")
 *         .fallback(TemplateGenerator.create())
 *         .build();
 * }</pre>
 *
 * <p>Defaults: the provider's model and base URL (see {@link LlmProvider}); the API key from the provider's
 * environment variable; attempt timeout {@link LangChain4jGenerator#DEFAULT_ATTEMPT_TIMEOUT}, also used as the
 * HTTP read timeout; a connect timeout of the attempt timeout or 10 s, whichever is shorter, so that an
 * unreachable host fails fast and leaves time for a retry; everything else as in
 * {@link LangChain4jGenerator.Builder}. OpenAI, Anthropic and Gemini need a key, except that OpenAI with another
 * base URL (an OpenAI-compatible server) may go without one, and then sends no {@code Authorization} header.
 * Ollama takes no key; one given is ignored.
 *
 * <p>Not thread-safe; the generator it builds is.
 */
public final class ProviderGeneratorBuilder {

    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final LlmProvider provider;
    private final LangChain4jGenerator.Builder generator = LangChain4jGenerator.builder();
    private String modelName;
    private String baseUrl;
    private String apiKey;
    private Duration timeout = LangChain4jGenerator.DEFAULT_ATTEMPT_TIMEOUT;
    private Function<String, String> environment = System::getenv;
    private Supplier<JdkHttpClientBuilder> httpClients = JdkHttpClient::builder;
    private ClassLoader classLoader = ProviderGeneratorBuilder.class.getClassLoader();

    ProviderGeneratorBuilder(LlmProvider provider) {
        if (provider == null) {
            throw new InvalidInputException("provider must not be null; expected one of OPENAI, OLLAMA, ANTHROPIC, GEMINI");
        }
        this.provider = provider;
    }

    /**
     * @param modelName the model, such as "gpt-4o-mini" (default: {@link LlmProvider#defaultModel()}); null for
     *     the default
     * @return this builder
     */
    public ProviderGeneratorBuilder modelName(String modelName) {
        this.modelName = blankToNull(modelName, "model name");
        return this;
    }

    /**
     * @param baseUrl the API's base URL, such as {@code http://localhost:8000/v1} for an OpenAI-compatible server
     *     (default: {@link LlmProvider#defaultBaseUrl()}); null for the default
     * @return this builder
     * @throws InvalidInputException when it is not an absolute {@code http} or {@code https} URL with a host
     */
    public ProviderGeneratorBuilder baseUrl(String baseUrl) {
        String url = blankToNull(baseUrl, "base URL");
        if (url != null) {
            checkBaseUrl(url);
        }
        this.baseUrl = url;
        return this;
    }

    private static void checkBaseUrl(String url) {
        String problem;
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null) {
                problem = "it has no scheme";
            } else if (!scheme.equals("http") && !scheme.equals("https")) {
                problem = "its scheme is '" + uri.getScheme() + "'";
            } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
                problem = "it has no host";
            } else if (uri.getQuery() != null || uri.getFragment() != null) {
                problem = "it has a query or fragment";
            } else {
                return;
            }
        } catch (URISyntaxException e) {
            problem = "it is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
        throw new InvalidInputException("base URL '" + url + "' cannot be used: " + problem + "; expected an http or "
                + "https URL with a host, such as http://localhost:11434 or https://api.openai.com/v1");
    }

    /**
     * @param apiKey the API key (default: the provider's environment variable, see {@link LlmProvider#keyVariable()});
     *     null to read the variable
     * @return this builder
     */
    public ProviderGeneratorBuilder apiKey(String apiKey) {
        this.apiKey = blankToNull(apiKey, "API key");
        return this;
    }

    /**
     * @param timeout the longest one attempt may take (while streaming, the longest silence), also the HTTP read
     *     timeout and, up to 10 s, the connect timeout (default 30 s)
     * @return this builder
     */
    public ProviderGeneratorBuilder timeout(Duration timeout) {
        generator.attemptTimeout(timeout);
        this.timeout = timeout;
        return this;
    }

    /**
     * @param deadline the longest a call may take, all attempts and waits included (default 90 s)
     * @return this builder
     */
    public ProviderGeneratorBuilder deadline(Duration deadline) {
        generator.deadline(deadline);
        return this;
    }

    /**
     * @param policy how to retry (default {@link RetryPolicy#defaults()})
     * @return this builder
     */
    public ProviderGeneratorBuilder retryPolicy(RetryPolicy policy) {
        generator.retryPolicy(policy);
        return this;
    }

    /**
     * @param breaker the circuit breaker (default: a new {@link CircuitBreaker#create()})
     * @return this builder
     */
    public ProviderGeneratorBuilder circuitBreaker(CircuitBreaker breaker) {
        generator.circuitBreaker(breaker);
        return this;
    }

    /**
     * @param fallback the generator that answers when the model fails, such as mmrag-core's
     *     {@code TemplateGenerator.create()} (default: none, the call throws)
     * @return this builder
     */
    public ProviderGeneratorBuilder fallback(Generator fallback) {
        generator.fallback(fallback);
        return this;
    }

    /**
     * @param max how many retrieved items' images to attach, at most, of those the prompt carries (default 2); the
     *     augmenter decides which the prompt carries, see {@link LangChain4jGenerator.Builder#maxItemImages(int)}
     * @return this builder
     */
    public ProviderGeneratorBuilder maxItemImages(int max) {
        generator.maxItemImages(max);
        return this;
    }

    /**
     * @param keys the metadata keys whose values may be links in the answer (default
     *     {@link LangChain4jGenerator#DEFAULT_LINK_KEYS}, that is {@code url}); see
     *     {@link LangChain4jGenerator.Builder#linkKeys(Collection)}
     * @return this builder
     */
    public ProviderGeneratorBuilder linkKeys(Collection<String> keys) {
        generator.linkKeys(keys);
        return this;
    }

    /**
     * @param sources where the retrieved items' images may be read from, such as the catalogue's folder (default
     *     {@link TrustedImageSources#none()}); see {@link LangChain4jGenerator.Builder#trustedImages(TrustedImageSources)}
     * @return this builder
     */
    public ProviderGeneratorBuilder trustedImages(TrustedImageSources sources) {
        generator.trustedImages(sources);
        return this;
    }

    /**
     * @param max the most characters of one answer (default {@value LangChain4jGenerator#DEFAULT_MAX_ANSWER_CHARS});
     *     see {@link LangChain4jGenerator.Builder#maxAnswerChars(int)}
     * @return this builder
     */
    public ProviderGeneratorBuilder maxAnswerChars(int max) {
        generator.maxAnswerChars(max);
        return this;
    }

    /**
     * @param time the clock and sleeper (default {@link TimeSource#SYSTEM}); tests pass a fake
     * @return this builder
     */
    public ProviderGeneratorBuilder timeSource(TimeSource time) {
        generator.timeSource(time);
        return this;
    }

    /** Test hook: where environment variables are read from (default {@link System#getenv(String)}). */
    ProviderGeneratorBuilder environment(Function<String, String> environment) {
        this.environment = environment;
        return this;
    }

    /** Test hook: where the JDK HTTP client builder the models share comes from, to inspect its timeouts. */
    ProviderGeneratorBuilder httpClients(Supplier<JdkHttpClientBuilder> httpClients) {
        this.httpClients = httpClients;
        return this;
    }

    /** Test hook: where the provider's LangChain4j module is looked for (default: this class's loader). */
    ProviderGeneratorBuilder classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
        return this;
    }

    /** Test hook: the underlying generator builder, to fix the backoff's jitter. */
    LangChain4jGenerator.Builder generatorBuilder() {
        return generator;
    }

    /**
     * @return the generator
     * @throws InvalidInputException when the provider needs a key and none was given or found in the environment
     * @throws dev.mmrag.api.MmragException naming the artifact to add (such as
     *     {@code dev.langchain4j:langchain4j-open-ai}) when the provider's LangChain4j module is not on the class
     *     path: mmrag-langchain4j declares the provider modules optional
     */
    public LangChain4jGenerator build() {
        ProviderArtifacts.require(provider, classLoader);
        String model = modelName != null ? modelName : provider.defaultModel();
        String url = baseUrl != null ? baseUrl : provider.defaultBaseUrl();
        String key = resolveKey();
        RetryAfterRecorder recorder = new RetryAfterRecorder();
        HttpClientBuilder http = new CappedConnectTimeout(httpClients.get()
                .httpClientBuilder(HttpClient.newBuilder().cookieHandler(recorder)))
                .connectTimeout(timeout)
                .readTimeout(timeout);
        ChatModel chat;
        StreamingChatModel streaming;
        try {
            switch (provider) {
                case OPENAI:
                    chat = OpenAiChatModel.builder().httpClientBuilder(http).baseUrl(url).apiKey(key).modelName(model)
                            .timeout(timeout).maxRetries(0).build();
                    streaming = OpenAiStreamingChatModel.builder().httpClientBuilder(http).baseUrl(url).apiKey(key)
                            .modelName(model).timeout(timeout).build();
                    break;
                case OLLAMA:
                    chat = OllamaChatModel.builder().maxRetries(0).httpClientBuilder(http).baseUrl(url).modelName(model)
                            .timeout(timeout).build();
                    streaming = OllamaStreamingChatModel.builder().httpClientBuilder(http).baseUrl(url).modelName(model)
                            .timeout(timeout).build();
                    break;
                case ANTHROPIC:
                    chat = AnthropicChatModel.builder().httpClientBuilder(http).baseUrl(url).apiKey(key).modelName(model)
                            .timeout(timeout).maxRetries(0).build();
                    streaming = AnthropicStreamingChatModel.builder().httpClientBuilder(http).baseUrl(url).apiKey(key)
                            .modelName(model).timeout(timeout).build();
                    break;
                case GEMINI:
                    chat = GoogleAiGeminiChatModel.builder().maxRetries(0).httpClientBuilder(http).baseUrl(url).apiKey(key)
                            .modelName(model).timeout(timeout).build();
                    streaming = GoogleAiGeminiStreamingChatModel.builder().httpClientBuilder(http).baseUrl(url).apiKey(key)
                            .modelName(model).timeout(timeout).build();
                    break;
                default:
                    throw new IllegalStateException("no models for provider " + provider);
            }
        } catch (NoClassDefFoundError e) {
            throw ProviderArtifacts.missing(provider, e); // the module is there, but not all of what it needs
        }
        return generator.chatModel(chat).streamingChatModel(streaming).name(provider.id() + ":" + model).redact(key)
                .retryAfter(recorder).build();
    }

    private String resolveKey() {
        if (!provider.needsKey()) {
            return null;
        }
        String key = apiKey != null ? apiKey : blankToNull(environment.apply(provider.keyVariable()), null);
        if (key == null && !(provider == LlmProvider.OPENAI && baseUrl != null)) {
            throw new InvalidInputException("no API key for " + provider.id() + ": pass apiKey(...) or set the "
                    + provider.keyVariable() + " environment variable");
        }
        return key;
    }

    private static String blankToNull(String value, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (what != null && !value.equals(value.strip())) {
            throw new InvalidInputException(what + " has leading or trailing spaces; expected it without");
        }
        return value;
    }

    /**
     * The JDK client builder, with every connect timeout set on it capped at {@link #MAX_CONNECT_TIMEOUT}, building
     * clients whose streamed responses are bounded ({@link BoundedResponses}). The
     * models pass their {@code timeout} to {@code connectTimeout} as well as to {@code readTimeout} when they build
     * their client (LangChain4j 1.19: OpenAI, Anthropic, Gemini and Ollama alike), which would make the connect
     * timeout as long as a whole attempt.
     */
    private static final class CappedConnectTimeout implements HttpClientBuilder {
        private final JdkHttpClientBuilder jdk;

        CappedConnectTimeout(JdkHttpClientBuilder jdk) {
            this.jdk = jdk;
        }

        @Override
        public Duration connectTimeout() {
            return jdk.connectTimeout();
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            jdk.connectTimeout(timeout == null || timeout.compareTo(MAX_CONNECT_TIMEOUT) > 0 ? MAX_CONNECT_TIMEOUT : timeout);
            return this;
        }

        @Override
        public Duration readTimeout() {
            return jdk.readTimeout();
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            jdk.readTimeout(timeout);
            return this;
        }

        @Override
        public dev.langchain4j.http.client.HttpClient build() {
            dev.langchain4j.http.client.HttpClient streaming = jdk.build();
            HttpClient.Builder plain = jdk.httpClientBuilder();
            if (jdk.connectTimeout() != null) {
                plain.connectTimeout(jdk.connectTimeout());
            }
            return new BoundedResponses(streaming, plain.build(), jdk.readTimeout());
        }
    }
}
