package dev.mmrag.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.mmrag.api.Answer;
import dev.mmrag.api.GenerationException;
import dev.mmrag.api.Generator;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.TrustedImageSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * A {@link Generator} over a LangChain4j chat model: sends the prompt, with the user's photo and the images of the
 * best retrieved items, to a vision-language model (OpenAI, Ollama, Anthropic, Gemini or any other LangChain4j
 * {@link ChatModel} / {@link StreamingChatModel}), and returns its answer with the prompt's sources.
 *
 * <p>mmrag builds the multimodal message itself and calls the model directly, because LangChain4j's own RAG path
 * (its content retriever and augmentor) only handles text and drops the images. For the ready-made providers use
 * {@link #forProvider(LlmProvider)}:
 * <pre>{@code
 * Generator llm = LangChain4jGenerator.forProvider(LlmProvider.OPENAI)   // key from OPENAI_API_KEY
 *         .modelName("gpt-4o-mini")
 *         .fallback(TemplateGenerator.create())
 *         .build();
 * Answer answer = llm.stream(prompt, System.out::print);
 * }</pre>
 *
 * <p><b>What the model receives</b>: the prompt's system text as a system message, then one user message with the
 * prompt's text (its {@code <source>} blocks tell the model that retrieved text is data, not instructions), the
 * user's photo, and the images of at most {@link #DEFAULT_MAX_ITEM_IMAGES} retrieved items, each labelled. Only
 * images that the prompt carries ({@link Prompt#images()}) are sent: the augmenter chooses them, this generator
 * attaches at most {@link Builder#maxItemImages(int)} of the items' ones, and only those it can read from a trusted
 * source ({@link Builder#trustedImages(TrustedImageSources)}: the catalogue's folder, the shop's image URLs; by
 * default none), checked when the request is built, since an item's image reference comes from the index.
 *
 * <p><b>Reliability</b>: each call has a deadline ({@link #DEFAULT_DEADLINE} by default) that covers every attempt
 * and every wait; each attempt may take at most the attempt timeout ({@link #DEFAULT_ATTEMPT_TIMEOUT}; while
 * streaming, the longest silence between two pieces). Transient failures are retried as the {@link RetryPolicy}
 * says (timeouts, network errors, 429 honouring {@code Retry-After}, 5xx; never other 4xx), and a
 * {@link CircuitBreaker} stops calling a provider that keeps failing. When the call still fails, the fallback
 * generator answers (typically mmrag-core's {@code TemplateGenerator}) and the answer is marked
 * {@link Answer#fallback()}, with the reason in {@link Answer#warnings()}; without a fallback, a
 * {@link GenerationException} is thrown. Messages name the generator and the HTTP status and never contain the
 * API key (it is removed even from error bodies that echo it). Let the model's own retries be off (the provider
 * builder does this), or the attempts multiply.
 *
 * <p><b>Link safety</b>: every link in the answer must come from the metadata of the prompt's sources (a value
 * that is a whole link under one of the link keys, by default only {@code url}); any other link is replaced with
 * {@code [link removed]} and its host is reported in {@link Answer#warnings()}. Links are recognised by how they
 * start: {@code http:} and {@code https:}, {@code www.}, two slashes (a scheme-relative {@code //host/path}, and
 * the host and path of any other {@code scheme://}), {@code mailto:}, {@code tel:}, {@code sms:}, {@code data:},
 * {@code javascript:} and {@code vbscript:}, and any scheme where Markdown or HTML expects a link; the text is read
 * as a renderer reads it, with HTML character references and Markdown escapes decoded. Bare domains such as
 * {@code shop.example/p/1} and bare e-mail addresses are not recognised. This also holds while streaming: text that
 * may be part of a link is held back until the link is complete (at most 8192 characters; a longer link is removed),
 * so a foreign link never reaches the consumer. An API key given to {@link Builder#redact(String)} (the provider
 * builder gives its key) is replaced with {@code [redacted]} in the answer too.
 *
 * <p><b>Limits</b>: an answer longer than {@link Builder#maxAnswerChars(int)} (default
 * {@value #DEFAULT_MAX_ANSWER_CHARS} characters) is cut off there and the fallback answers, as for any other
 * failure; the queue between a streaming model and the caller holds at most that much text, and each response is
 * read through a bound (a streamed line 1 MiB, a streamed response 32 MiB, a whole response 16 MiB).
 *
 * <p><b>Streaming</b>: {@link #stream(Prompt, Consumer)} uses the streaming model when there is one and delivers
 * the text on the calling thread, in order, as it arrives; without a streaming model it delivers the whole answer
 * at once. An attempt that fails before any text was delivered is retried; once text was shown it cannot be taken
 * back, so a failure then ends the call: the fallback answer is delivered after a blank line, and the final
 * {@link Answer#text()} is all the text delivered.
 *
 * <p>Thread-safety: immutable and safe for concurrent use when the LangChain4j models are (the provider models
 * are); calls share the circuit breaker.
 */
public final class LangChain4jGenerator implements Generator {

    /** The default number of retrieved items' images attached to the user message. */
    public static final int DEFAULT_MAX_ITEM_IMAGES = 2;
    /** The default limit on the size of one attached image: 20 MiB, the smallest limit of the major providers. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 20L * 1024 * 1024;
    /** The default deadline of one call, all attempts and waits included. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(90);
    /** The default longest answer, in characters, read from a model: 100,000 (a long answer is some 10,000). */
    public static final int DEFAULT_MAX_ANSWER_CHARS = 100_000;
    /** The metadata keys whose values may be links in an answer by default: {@code url}. */
    public static final Set<String> DEFAULT_LINK_KEYS = Set.of("url");
    /** The default longest attempt (while streaming: the longest silence between two pieces). */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

    final ChatModel chatModel;
    final StreamingChatModel streamingModel;
    final String name;
    final Generator fallback;
    final RetryPolicy retryPolicy;
    final CircuitBreaker circuitBreaker;
    final Duration deadline;
    final Duration attemptTimeout;
    final PromptMessages messages;
    final Set<String> linkKeys;
    final List<String> secrets;
    final int maxAnswerChars;
    final TimeSource time;
    final DoubleSupplier jitter;
    final RetryAfterRecorder retryAfter;

    private LangChain4jGenerator(Builder builder) {
        this.chatModel = builder.chatModel;
        this.streamingModel = builder.streamingModel;
        this.name = builder.name != null ? builder.name : defaultName(builder.chatModel, builder.streamingModel);
        this.fallback = builder.fallback;
        this.retryPolicy = builder.retryPolicy;
        this.circuitBreaker = builder.circuitBreaker != null ? builder.circuitBreaker : CircuitBreaker.create();
        this.deadline = builder.deadline;
        this.attemptTimeout = builder.attemptTimeout;
        this.messages = new PromptMessages(builder.maxItemImages, builder.maxImageBytes, builder.trustedImages);
        this.linkKeys = builder.linkKeys;
        this.secrets = List.copyOf(builder.secrets);
        this.maxAnswerChars = builder.maxAnswerChars;
        this.time = builder.time;
        this.jitter = builder.jitter;
        this.retryAfter = builder.retryAfter != null ? builder.retryAfter : new RetryAfterRecorder();
    }

    /** @return a builder over models you built yourself */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param provider the provider
     * @return a builder that builds the provider's chat and streaming models (with their own retries off) and the
     *     generator over them
     */
    public static ProviderGeneratorBuilder forProvider(LlmProvider provider) {
        return new ProviderGeneratorBuilder(provider);
    }

    /** @return the name answers carry in {@link Answer#generator()}, such as "openai:gpt-4o-mini" */
    public String name() {
        return name;
    }

    /** @return the circuit breaker, to inspect its state */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    @Override
    public Answer generate(Prompt prompt) {
        return new GenerationCall(this, requirePrompt(prompt), null).run();
    }

    @Override
    public Answer stream(Prompt prompt, Consumer<String> onText) {
        if (onText == null) {
            throw new InvalidInputException("onText must not be null; use generate(prompt) to get the answer at once");
        }
        return new GenerationCall(this, requirePrompt(prompt), onText).run();
    }

    private static Prompt requirePrompt(Prompt prompt) {
        if (prompt == null) {
            throw new InvalidInputException("prompt must not be null");
        }
        return prompt;
    }

    private static String defaultName(ChatModel chatModel, StreamingChatModel streamingModel) {
        ModelProvider provider = chatModel != null ? chatModel.provider() : streamingModel.provider();
        ChatRequestParameters parameters = chatModel != null ? chatModel.defaultRequestParameters()
                : streamingModel.defaultRequestParameters();
        String providerName = provider == null ? "langchain4j" : provider.name().toLowerCase(Locale.ROOT);
        String model = parameters == null ? null : parameters.modelName();
        return model == null ? providerName : providerName + ":" + model;
    }

    @Override
    public String toString() {
        return "LangChain4jGenerator[" + name + (streamingModel != null ? ", streaming" : "") + ", " + retryPolicy
                + ", deadline " + deadline + (fallback != null ? ", fallback " + fallback : "") + "]";
    }

    /**
     * Builds a {@link LangChain4jGenerator} over LangChain4j models. At least one of {@link #chatModel} and
     * {@link #streamingChatModel} is required; with only a streaming model, {@code generate} collects the stream,
     * and with only a chat model, {@code stream} delivers the answer in one piece.
     *
     * <p>Defaults: name from the model ({@code provider:model}); no fallback; {@link RetryPolicy#defaults()}; a new
     * {@link CircuitBreaker#create()}; deadline {@link LangChain4jGenerator#DEFAULT_DEADLINE}; attempt timeout
     * {@link LangChain4jGenerator#DEFAULT_ATTEMPT_TIMEOUT}; {@value LangChain4jGenerator#DEFAULT_MAX_ITEM_IMAGES}
     * item images, read only from trusted sources, and none are trusted; images up to {@link LangChain4jGenerator#DEFAULT_MAX_IMAGE_BYTES} bytes; links allowed only from
     * the {@code url} metadata key; nothing extra to redact; the system clock.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private ChatModel chatModel;
        private StreamingChatModel streamingModel;
        private String name;
        private Generator fallback;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private CircuitBreaker circuitBreaker;
        private Duration deadline = DEFAULT_DEADLINE;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private int maxItemImages = DEFAULT_MAX_ITEM_IMAGES;
        private long maxImageBytes = DEFAULT_MAX_IMAGE_BYTES;
        private Set<String> linkKeys = DEFAULT_LINK_KEYS;
        private final List<String> secrets = new ArrayList<>();
        private int maxAnswerChars = DEFAULT_MAX_ANSWER_CHARS;
        private TrustedImageSources trustedImages = TrustedImageSources.none();
        private TimeSource time = TimeSource.SYSTEM;
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private RetryAfterRecorder retryAfter;

        private Builder() {
        }

        /**
         * @param model the model for {@code generate} (and for {@code stream} when there is no streaming model);
         *     turn its own retries off ({@code maxRetries(0)})
         * @return this builder
         */
        public Builder chatModel(ChatModel model) {
            this.chatModel = model;
            return this;
        }

        /**
         * @param model the model for {@code stream} (and for {@code generate} when there is no chat model)
         * @return this builder
         */
        public Builder streamingChatModel(StreamingChatModel model) {
            this.streamingModel = model;
            return this;
        }

        /**
         * @param name the name answers carry, such as "openai:gpt-4o-mini" (default: from the model)
         * @return this builder
         */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("generator name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * @param fallback the generator that answers when the model fails (default: none, the call throws)
         * @return this builder
         */
        public Builder fallback(Generator fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * @param policy how to retry (default {@link RetryPolicy#defaults()})
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            if (policy == null) {
                throw new InvalidInputException("retry policy must not be null (use RetryPolicy.noRetries())");
            }
            this.retryPolicy = policy;
            return this;
        }

        /**
         * @param breaker the circuit breaker (default: a new {@link CircuitBreaker#create()}); may be shared
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreaker breaker) {
            this.circuitBreaker = breaker;
            return this;
        }

        /**
         * @param deadline the longest a call may take, every attempt and wait included (default 90 s)
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive("deadline", deadline);
            return this;
        }

        /**
         * @param timeout the longest one attempt may take; while streaming, the longest silence between two pieces
         *     (default 30 s)
         * @return this builder
         */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = positive("attempt timeout", timeout);
            return this;
        }

        /**
         * How many of the retrieved items' images to attach, at most. The generator attaches only images that the
         * prompt carries ({@link Prompt#images()}), and the augmenter chose those: mmrag-core's
         * {@code DefaultAugmenter} puts at most its {@code maxImages} there (default 3, the user's photo
         * included), so with the augmenter's default, {@code maxItemImages(4)} still attaches at most 2 item images
         * to a question with a photo and 3 to a text question; raise the augmenter's limit too to attach more.
         * The user's photo is attached when the prompt carries it (first in its images; an augmenter limit of 0
         * leaves it out) and does not count towards this limit. An item image that cannot be attached is reported
         * in the answer's warnings, and the next one the prompt carries takes its place. More images cost tokens
         * and tend to confuse models.
         *
         * @param max the most item images to attach (default 2)
         * @return this builder
         */
        public Builder maxItemImages(int max) {
            if (max < 0) {
                throw new InvalidInputException("maxItemImages is " + max + "; expected 0 or more");
            }
            this.maxItemImages = max;
            return this;
        }

        /**
         * @param max the largest image, in bytes, to send (default 20 MiB)
         * @return this builder
         */
        public Builder maxImageBytes(long max) {
            if (max < 1) {
                throw new InvalidInputException("maxImageBytes is " + max + "; expected 1 or more");
            }
            this.maxImageBytes = max;
            return this;
        }

        /**
         * Which metadata keys may hold the links an answer may give. Only a value under one of these keys that is
         * a whole link counts: a link that a {@code description} (or any other field) mentions is removed from the
         * answer, so that whoever writes product texts cannot whitelist a link.
         *
         * @param keys the metadata keys whose values may be links in the answer (default
         *     {@link LangChain4jGenerator#DEFAULT_LINK_KEYS}, that is {@code url}); empty allows no link at all
         * @return this builder
         */
        public Builder linkKeys(Collection<String> keys) {
            if (keys == null) {
                throw new InvalidInputException("link keys must not be null; expected metadata keys such as [url], "
                        + "or an empty list to allow no link");
            }
            for (String key : keys) {
                if (key == null || key.isBlank()) {
                    throw new InvalidInputException("link keys " + keys + " hold a blank key; expected metadata keys");
                }
            }
            this.linkKeys = Set.copyOf(keys);
            return this;
        }

        /**
         * Where the retrieved items' images may be read from to attach them: typically the catalogue's folder
         * ({@code TrustedImageSources.ofFolders(catalogue)}) and the shop's image URL prefix. An item's image
         * reference comes from the index, which is data, not authority: without this, an index could make the
         * generator read any local file or fetch any URL (an internal service) and send it to the provider. It is
         * checked when the request is built; an image from elsewhere is not attached, and the answer's warnings say
         * so. The user's own photo (the query image) needs no trust.
         *
         * @param sources the trusted sources (default {@link TrustedImageSources#none()}: no item image is attached)
         * @return this builder
         */
        public Builder trustedImages(TrustedImageSources sources) {
            if (sources == null) {
                throw new InvalidInputException("trusted image sources must not be null (use TrustedImageSources.none())");
            }
            this.trustedImages = sources;
            return this;
        }

        /**
         * The longest answer read from the model. A model (or a server posing as one) that sends more, such as an
         * endless stream, is cut off there: the attempt fails, is not retried, and the fallback answers (after the
         * text already shown, when streaming), so neither the heap nor the caller's screen fill up.
         *
         * @param max the most characters of one answer (default {@value LangChain4jGenerator#DEFAULT_MAX_ANSWER_CHARS})
         * @return this builder
         */
        public Builder maxAnswerChars(int max) {
            if (max < 1) {
                throw new InvalidInputException("maxAnswerChars is " + max + "; expected 1 or more");
            }
            this.maxAnswerChars = max;
            return this;
        }

        /**
         * @param secret a string that must never appear in a message, a log or an answer, such as the API key the
         *     model was built with (an answer that echoes it shows {@code [redacted]} instead, also when streamed);
         *     blank values are ignored
         * @return this builder
         */
        public Builder redact(String secret) {
            if (secret != null && !secret.isBlank()) {
                secrets.add(secret);
            }
            return this;
        }

        /**
         * @param time the clock and sleeper (default {@link TimeSource#SYSTEM}); tests pass a fake
         * @return this builder
         */
        public Builder timeSource(TimeSource time) {
            if (time == null) {
                throw new InvalidInputException("time source must not be null");
            }
            this.time = time;
            return this;
        }

        /** Test hook: the uniform [0, 1) numbers that the backoff's jitter uses. */
        Builder jitter(DoubleSupplier jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Where the Retry-After headers of the model's HTTP client are recorded (set by the provider builder). */
        Builder retryAfter(RetryAfterRecorder recorder) {
            this.retryAfter = recorder;
            return this;
        }

        /** @return the generator */
        public LangChain4jGenerator build() {
            if (chatModel == null && streamingModel == null) {
                throw new InvalidInputException("a LangChain4jGenerator needs a chatModel, a streamingChatModel or both");
            }
            return new LangChain4jGenerator(this);
        }

        private static Duration positive(String what, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new InvalidInputException(what + " is " + value + "; expected a positive duration");
            }
            return value;
        }
    }
}
