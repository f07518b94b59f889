package dev.mmrag.langchain4j;

import dev.mmrag.api.GenerationException;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Transcriber;
import dev.mmrag.api.TranscriptSegment;
import dev.mmrag.api.Transcription;
import dev.mmrag.api.TranscriptionRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * A {@link Transcriber} that speaks the OpenAI-compatible transcription protocol: {@code POST
 * {baseUrl}/audio/transcriptions}, multipart form data with the audio as {@code file} (a 16-bit mono WAV at the
 * request's sample rate, 16 kHz from mmrag's decoders: compact, never the original video), {@code model},
 * {@code response_format=verbose_json}, {@code timestamp_granularities[]=segment} and the optional
 * {@code language}; the answer's {@code segments} (start and end in seconds, text) are the transcript. OpenAI,
 * Groq, whisper.cpp's {@code whisper-server}, faster-whisper based servers (speaches), LocalAI and vLLM speak it.
 *
 * <p>Reliability, with the same pieces as {@link LangChain4jGenerator}: a {@link RetryPolicy} (a 429 honouring its
 * {@code Retry-After} up to the policy's maximum, a 408 or 5xx, a timeout or a refused connection is retried with
 * jittered exponential backoff), a deadline for the whole call, retries included, a timeout for each attempt, and
 * a {@link CircuitBreaker} that fails fast after repeated failures of the server. A 4xx other than 408/429 is not
 * retried. The key is sent as {@code Authorization: Bearer} and never appears in messages or logs (it is scrubbed
 * from any server text quoted in a message).
 *
 * <p>The answer is checked: a body that is not a verbose JSON transcription is refused with an
 * {@link InvalidInputException}; a segment that starts at or past the end of the uploaded audio is dropped, one
 * that ends past it is clamped to the end, one that starts more than 100 ms before the previous one ends (times
 * going backwards) or ends
 * before its start is dropped; each of these is said in {@link Transcription#warnings()}. Silence gives an empty
 * transcription.
 *
 * <p>Defaults: model {@value #DEFAULT_MODEL}, no key, upload limit {@value #DEFAULT_MAX_UPLOAD_BYTES} bytes (OpenAI's
 * 25 MB), deadline 5 min, attempt timeout 2 min, {@link RetryPolicy#defaults()}, {@link CircuitBreaker#create()}.
 *
 * <p>Thread-safety: safe for concurrent use (the HTTP client and circuit breaker are).
 */
public final class OpenAiTranscriber implements Transcriber {

    /** The default model name (OpenAI's Whisper; local servers often accept any name). */
    public static final String DEFAULT_MODEL = "whisper-1";
    /** The default upload limit in bytes: OpenAI's 25 MB. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 25L * 1024 * 1024;
    /** The multipart overhead, headers and form fields, reserved under the upload limit. */
    static final int FORM_OVERHEAD_BYTES = 4096;
    /** How far a segment may start before the previous one ends without counting as going backwards. */
    static final long OVERLAP_TOLERANCE_MS = 100;

    private static final System.Logger LOG = System.getLogger(OpenAiTranscriber.class.getName());

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final long maxUploadBytes;
    private final Duration deadline;
    private final Duration attemptTimeout;
    private final RetryPolicy retryPolicy;
    private final CircuitBreaker circuitBreaker;
    private final TimeSource time;
    private final DoubleSupplier jitter;
    private final HttpClient http;
    private final String name;

    private OpenAiTranscriber(Builder builder) {
        String base = builder.baseUrl.endsWith("/") ? builder.baseUrl.substring(0, builder.baseUrl.length() - 1)
                : builder.baseUrl;
        this.endpoint = URI.create(base + "/audio/transcriptions");
        this.model = builder.model;
        this.apiKey = builder.apiKey;
        this.maxUploadBytes = builder.maxUploadBytes;
        this.deadline = builder.deadline;
        this.attemptTimeout = builder.attemptTimeout;
        this.retryPolicy = builder.retryPolicy;
        this.circuitBreaker = builder.circuitBreaker;
        this.time = builder.time;
        this.jitter = builder.jitter;
        this.http = HttpClient.newBuilder().connectTimeout(builder.attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.name = "openai-transcriber " + model + " at " + endpoint;
    }

    /**
     * @param baseUrl the server's API root, such as {@code https://api.openai.com/v1} or
     *     {@code http://localhost:8080/v1}; http or https
     * @return a builder
     */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** @return the longest piece that fits the upload limit as a 16 kHz mono 16-bit WAV */
    @Override
    public long maxPieceMs() {
        long audioBytes = maxUploadBytes - FORM_OVERHEAD_BYTES - Wav.HEADER_BYTES;
        return audioBytes * 1000 / (2L * TranscriptionRequest.SAMPLE_RATE);
    }

    @Override
    public Transcription transcribe(TranscriptionRequest request) {
        if (request == null) {
            throw new InvalidInputException("transcription request must not be null");
        }
        long wavBytes = Wav.HEADER_BYTES + 2L * request.sampleCount();
        if (wavBytes + FORM_OVERHEAD_BYTES > maxUploadBytes) {
            throw new InvalidInputException(request.description() + " is " + request.durationMs() + " ms ("
                    + wavBytes + " bytes as WAV); the upload limit of " + name + " is " + maxUploadBytes
                    + " bytes: cut it into pieces of at most " + maxPieceMs() + " ms");
        }
        String boundary = "mmrag-" + UUID.randomUUID();
        byte[] body = form(boundary, request);
        long start = time.nanoTime();
        int attempts = 0;
        Failure failure;
        while (true) {
            if (!circuitBreaker.tryAcquire(time.nanoTime())) {
                throw new GenerationException(name + " is not called: its circuit breaker is open after repeated"
                        + " failures (" + circuitBreaker + "); try again in " + circuitBreaker.openDuration().toSeconds()
                        + " s");
            }
            attempts++;
            Duration left = deadline.minusNanos(time.nanoTime() - start);
            Duration wait = left.compareTo(attemptTimeout) < 0 ? left : attemptTimeout;
            if (wait.isNegative() || wait.isZero()) {
                circuitBreaker.release();
                failure = new Failure("the deadline of " + deadline.toSeconds() + " s passed", false, Optional.empty());
                break;
            }
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(endpoint).timeout(wait)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .header("Accept", "application/json")
                        .headers(apiKey == null ? new String[] {"User-Agent", "mmrag"}
                                : new String[] {"User-Agent", "mmrag", "Authorization", "Bearer " + apiKey})
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException e) {
                circuitBreaker.onProviderFailed(time.nanoTime());
                failure = new Failure("no answer within " + wait.toMillis() + " ms", true, Optional.empty());
                if (!retry(failure, attempts, start)) {
                    break;
                }
                continue;
            } catch (IOException e) {
                circuitBreaker.onProviderFailed(time.nanoTime());
                failure = new Failure((e instanceof ConnectException ? "cannot connect: " : "I/O error: ")
                        + scrub(String.valueOf(e.getMessage())), true, Optional.empty());
                if (!retry(failure, attempts, start)) {
                    break;
                }
                continue;
            } catch (InterruptedException e) {
                circuitBreaker.release();
                Thread.currentThread().interrupt();
                throw new GenerationException(name + " was interrupted while transcribing " + request.description(), e);
            }
            int status = response.statusCode();
            if (status == 200) {
                circuitBreaker.onProviderAnswered();
                return parse(response.body(), request);
            }
            boolean transient_ = status == 429 || status == 408 || status >= 500;
            if (transient_) {
                circuitBreaker.onProviderFailed(time.nanoTime());
            } else {
                circuitBreaker.onProviderAnswered();
            }
            Optional<Duration> retryAfter = response.headers().firstValue("retry-after")
                    .flatMap(v -> new RetryAfterRecorder().parse(v));
            failure = new Failure(describeStatus(status, response.body()), transient_, retryAfter);
            if (!transient_ || !retry(failure, attempts, start)) {
                break;
            }
        }
        throw new GenerationException(name + " could not transcribe " + request.description() + ": "
                + failure.message + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"));
    }

    /** Waits before another attempt when the policy and the deadline allow one; false when not. */
    private boolean retry(Failure failure, int attempts, long start) {
        if (!failure.retriable || attempts >= retryPolicy.maxAttempts()) {
            return false;
        }
        Duration wait = retryPolicy.backoff(attempts, jitter);
        if (failure.retryAfter.isPresent()) {
            Duration asked = failure.retryAfter.get();
            if (asked.compareTo(retryPolicy.maxRetryAfter()) > 0) {
                failure.message += "; the server asked to retry after " + asked.toSeconds() + " s, longer than the "
                        + retryPolicy.maxRetryAfter().toSeconds() + " s the policy waits";
                return false;
            }
            wait = asked.compareTo(wait) > 0 ? asked : wait;
        }
        Duration left = deadline.minusNanos(time.nanoTime() - start);
        if (left.compareTo(wait) <= 0) {
            failure.message += "; no time is left before the deadline of " + deadline.toSeconds() + " s";
            return false;
        }
        Duration pause = wait;
        LOG.log(System.Logger.Level.INFO, () -> name + ": attempt " + attempts + " failed (" + failure.message
                + "); retrying in " + pause.toMillis() + " ms");
        try {
            time.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationException(name + " was interrupted while waiting to retry", e);
        }
        return true;
    }

    private String describeStatus(int status, String body) {
        String text = body == null ? "" : body.strip();
        if (text.length() > 300) {
            text = text.substring(0, 300) + "...";
        }
        String what = status == 401 || status == 403 ? "the server refused the key"
                : status == 413 ? "the upload is too large for the server"
                : status == 429 ? "the server is rate-limiting" : status >= 500 ? "the server failed" : "the server refused the request";
        return what + " (HTTP " + status + (text.isEmpty() ? "" : ": " + scrub(text)) + ")";
    }

    /** Removes the key from a text quoted in a message. */
    private String scrub(String text) {
        return apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "***");
    }

    /** Reads a verbose JSON answer into a checked transcription. */
    Transcription parse(String body, TranscriptionRequest request) {
        Object root;
        try {
            root = MiniJson.parse(body);
        } catch (IllegalArgumentException e) {
            throw malformed(request, "it is not JSON (" + e.getMessage() + ": " + shortText(body) + ")");
        }
        if (!(root instanceof Map)) {
            throw malformed(request, "it is not a JSON object (" + shortText(body) + ")");
        }
        Map<?, ?> answer = (Map<?, ?>) root;
        if (!(answer.get("segments") instanceof List)) {
            throw malformed(request, "it has no 'segments' array (was response_format=verbose_json ignored? "
                    + shortText(body) + ")");
        }
        List<?> segments = (List<?>) answer.get("segments");
        String language = answer.get("language") instanceof String ? (String) answer.get("language") : null;
        long durationMs = request.durationMs();
        List<TranscriptSegment> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long previousEnd = -1;
        for (int index = 0; index < segments.size(); index++) {
            Object item = segments.get(index);
            Map<?, ?> segment = item instanceof Map ? (Map<?, ?>) item : Map.of();
            if (!(segment.get("start") instanceof Double) || !(segment.get("end") instanceof Double)
                    || !(segment.get("text") instanceof String)) {
                throw malformed(request, "segment " + index + " lacks a numeric 'start' and 'end' and a text 'text' ("
                        + shortText(String.valueOf(item)) + ")");
            }
            double startS = (Double) segment.get("start");
            double endS = (Double) segment.get("end");
            if (!Double.isFinite(startS) || !Double.isFinite(endS) || startS < 0) {
                throw malformed(request, "segment " + index + " has start " + startS + " s and end " + endS + " s");
            }
            String text = ((String) segment.get("text")).strip();
            if (text.isEmpty()) {
                continue;
            }
            long startMs = Math.round(startS * 1000);
            long endMs = Math.round(endS * 1000);
            String where = "segment " + index + " (" + startMs + "-" + endMs + " ms)";
            if (endMs < startMs) {
                warnings.add(request.description() + ": " + where + " ends before it starts; dropped");
                continue;
            }
            if (startMs >= durationMs) {
                warnings.add(request.description() + ": " + where + " starts at or past the end of the "
                        + durationMs + " ms audio; dropped");
                continue;
            }
            if (startMs < previousEnd - OVERLAP_TOLERANCE_MS) {
                warnings.add(request.description() + ": " + where + " starts before the previous segment ends ("
                        + previousEnd + " ms), times going backwards; dropped");
                continue;
            }
            if (endMs > durationMs) {
                warnings.add(request.description() + ": " + where + " ends past the end of the " + durationMs
                        + " ms audio; clamped to " + durationMs + " ms");
                endMs = durationMs;
            }
            Double confidence = null;
            if (segment.get("avg_logprob") instanceof Double) {
                double p = Math.exp((Double) segment.get("avg_logprob"));
                confidence = Double.isFinite(p) ? Math.max(0, Math.min(1, p)) : null;
            }
            out.add(new TranscriptSegment(startMs, endMs, text, language, confidence));
            previousEnd = endMs;
        }
        return new Transcription(out, language, warnings);
    }

    private InvalidInputException malformed(TranscriptionRequest request, String why) {
        return new InvalidInputException(name + " answered " + request.description()
                + " with something that is not a verbose JSON transcription: " + why);
    }

    private String shortText(String text) {
        String t = text == null ? "null" : text.strip();
        return scrub(t.length() > 200 ? t.substring(0, 200) + "..." : t);
    }

    private byte[] form(String boundary, TranscriptionRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Wav.HEADER_BYTES + 2 * request.sampleCount() + 1024);
        field(out, boundary, "model", model);
        field(out, boundary, "response_format", "verbose_json");
        field(out, boundary, "timestamp_granularities[]", "segment");
        if (request.language() != null) {
            field(out, boundary, "language", request.language().toLowerCase(Locale.ROOT));
        }
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n");
        Wav.write(out, request.samples(), request.sampleRate());
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return name + (apiKey == null ? " (no key)" : " (key set)");
    }

    /** Why an attempt failed; its message may grow with notes. */
    private static final class Failure {
        String message;
        final boolean retriable;
        final Optional<Duration> retryAfter;

        Failure(String message, boolean retriable, Optional<Duration> retryAfter) {
            this.message = message;
            this.retriable = retriable;
            this.retryAfter = retryAfter;
        }
    }

    /**
     * Configures an {@link OpenAiTranscriber}; every default is in the class javadoc.
     *
     * <p>Thread-safety: not thread-safe; use from one thread.
     */
    public static final class Builder {
        private final String baseUrl;
        private String model = DEFAULT_MODEL;
        private String apiKey;
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private Duration deadline = Duration.ofMinutes(5);
        private Duration attemptTimeout = Duration.ofMinutes(2);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private CircuitBreaker circuitBreaker = CircuitBreaker.create();
        private TimeSource time = TimeSource.SYSTEM;
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new InvalidInputException("transcriber base URL must not be blank (for example"
                        + " https://api.openai.com/v1 or http://localhost:8080/v1)");
            }
            URI uri;
            try {
                uri = URI.create(baseUrl.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("transcriber base URL '" + baseUrl + "' is not a valid URL", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new InvalidInputException("transcriber base URL '" + baseUrl
                        + "' must be an http or https URL with a host");
            }
            if (uri.getUserInfo() != null) {
                throw new InvalidInputException("transcriber base URL must not carry credentials; give the key with"
                        + " apiKey(...)");
            }
            this.baseUrl = baseUrl.strip();
        }

        /**
         * @param model the model name the server expects (default {@value #DEFAULT_MODEL})
         * @return this builder
         */
        public Builder model(String model) {
            if (model == null || model.isBlank()) {
                throw new InvalidInputException("transcriber model name must not be blank");
            }
            this.model = model.strip();
            return this;
        }

        /**
         * @param apiKey the key sent as a bearer token, or null for a server that needs none (default: none)
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
            return this;
        }

        /**
         * @param bytes the server's upload limit (default {@value #DEFAULT_MAX_UPLOAD_BYTES}); at least 64 KiB
         * @return this builder
         */
        public Builder maxUploadBytes(long bytes) {
            if (bytes < 65_536) {
                throw new InvalidInputException("maxUploadBytes is " + bytes + "; expected at least 65536");
            }
            this.maxUploadBytes = bytes;
            return this;
        }

        /**
         * @param deadline the longest one transcription call takes, retries included (default 5 min); positive
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive("deadline", deadline);
            return this;
        }

        /**
         * @param timeout the longest one attempt waits for its answer (default 2 min); positive
         * @return this builder
         */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = positive("attemptTimeout", timeout);
            return this;
        }

        /**
         * @param policy attempts and backoff (default {@link RetryPolicy#defaults()})
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = java.util.Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /**
         * @param breaker the circuit breaker, which may be shared with other back ends of the same server
         *     (default: a new {@link CircuitBreaker#create()})
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreaker breaker) {
            this.circuitBreaker = java.util.Objects.requireNonNull(breaker, "circuitBreaker");
            return this;
        }

        /**
         * @param time the clock and sleeper for deadline, backoff and breaker (default {@link TimeSource#SYSTEM})
         * @return this builder
         */
        public Builder timeSource(TimeSource time) {
            this.time = java.util.Objects.requireNonNull(time, "timeSource");
            return this;
        }

        /** For tests: a fixed jitter source. */
        Builder jitter(DoubleSupplier jitter) {
            this.jitter = jitter;
            return this;
        }

        /** @return the transcriber */
        public OpenAiTranscriber build() {
            return new OpenAiTranscriber(this);
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException(what + " is " + d + "; expected a positive duration");
            }
            return d;
        }
    }
}
