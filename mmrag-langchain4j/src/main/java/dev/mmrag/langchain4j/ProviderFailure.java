package dev.mmrag.langchain4j;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One failed attempt to get an answer from a language model, classified for the retry loop, with a message
 * that names the provider and the HTTP status and never contains a secret.
 *
 * <p>Thread-safety: immutable.
 */
final class ProviderFailure {

    /** What kind of failure it was; decides whether to retry and whether the circuit breaker counts it. */
    enum Kind {
        /** One attempt took longer than the attempt timeout. Retried. */
        TIMEOUT(true),
        /** The connection failed or broke. Retried. */
        NETWORK(true),
        /** HTTP 429. Retried, after any Retry-After. */
        RATE_LIMITED(true),
        /** HTTP 5xx. Retried, after any Retry-After. */
        SERVER_ERROR(true),
        /** HTTP 4xx other than 429: the request, key or model is wrong. Not retried. */
        CLIENT_ERROR(false),
        /** The provider answered something unusable (empty text, an answer over the length limit). Not retried. */
        INVALID_RESPONSE(false),
        /**
         * The answer does not follow the provider's protocol: a body that is not JSON (a proxy's or captive portal's
         * HTML page, a truncated body) or not the expected JSON. Not retried: the same server will say the same.
         */
        PROTOCOL_ERROR(false),
        /** The request's deadline passed. Not retried: there is no time left. */
        DEADLINE(false),
        /** The circuit breaker refused the attempt. */
        CIRCUIT_OPEN(false);

        private final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }
    }

    private static final int MAX_DETAIL = 300;
    private static final String REDACTED = "[redacted]";

    private final Kind kind;
    private final int status;
    private final String message;
    private final Throwable cause;

    private ProviderFailure(Kind kind, int status, String message, Throwable cause) {
        this.kind = kind;
        this.status = status;
        this.message = message;
        this.cause = cause;
    }

    /**
     * Classifies an exception thrown by a LangChain4j chat model or passed to a streaming handler.
     *
     * @param generator the generator's name, such as "openai:gpt-4o-mini"
     * @param error what LangChain4j threw
     * @param secrets strings to remove from every message (the API key)
     * @return the failure
     */
    static ProviderFailure of(String generator, Throwable error, List<String> secrets) {
        Throwable redacted = redact(error, secrets);
        HttpException http = find(error, HttpException.class);
        if (http != null) {
            int status = http.statusCode();
            Kind kind = status == 429 ? Kind.RATE_LIMITED
                    : status >= 500 ? Kind.SERVER_ERROR
                    : status >= 400 ? Kind.CLIENT_ERROR
                    : Kind.INVALID_RESPONSE;
            return new ProviderFailure(kind, status, generator + " answered HTTP " + status + " (" + describe(kind)
                    + "): " + detail(http.getMessage(), secrets), redacted);
        }
        Kind kind;
        BoundedResponses.TooLarge tooLarge = find(error, BoundedResponses.TooLarge.class);
        if (tooLarge != null) {
            return new ProviderFailure(Kind.INVALID_RESPONSE, 0, generator + " failed (invalid response): "
                    + tooLarge.getMessage() + "; the rest was not read", redacted);
        }
                if (isParseError(error)) {
            return new ProviderFailure(Kind.PROTOCOL_ERROR, 0, generator + " failed (protocol error): its answer is "
                    + "not the JSON of the provider's API: " + detail(parseErrorOf(error), secrets), redacted);
        }
        if (find(error, dev.langchain4j.exception.TimeoutException.class) != null
                || find(error, HttpTimeoutException.class) != null || find(error, SocketTimeoutException.class) != null) {
            kind = Kind.TIMEOUT;
        } else if (find(error, RateLimitException.class) != null) {
            kind = Kind.RATE_LIMITED;
        } else if (find(error, InternalServerException.class) != null) {
            kind = Kind.SERVER_ERROR;
        } else if (find(error, AuthenticationException.class) != null || find(error, InvalidRequestException.class) != null
                || find(error, ModelNotFoundException.class) != null) {
            kind = Kind.CLIENT_ERROR;
        } else if (find(error, IOException.class) != null) {
            kind = Kind.NETWORK;
        } else {
            kind = Kind.INVALID_RESPONSE;
        }
        return new ProviderFailure(kind, 0, generator + " failed (" + describe(kind) + "): "
                + detail(error.getClass().getSimpleName() + ": " + error.getMessage(), secrets), redacted);
    }

    /**
     * @param generator the generator's name
     * @param timeout how long the attempt waited
     * @return an attempt that got no answer (or no streamed piece) in time
     */
    static ProviderFailure timeout(String generator, Duration timeout) {
        return new ProviderFailure(Kind.TIMEOUT, 0, generator + " did not answer within " + seconds(timeout), null);
    }

    /**
     * @param generator the generator's name
     * @param deadline the request's deadline
     * @return a request whose deadline passed
     */
    static ProviderFailure deadline(String generator, Duration deadline) {
        return new ProviderFailure(Kind.DEADLINE, 0, generator + " did not finish before the deadline of "
                + seconds(deadline), null);
    }

    /**
     * @param generator the generator's name
     * @param what what was wrong with the answer
     * @return an unusable answer
     */
    static ProviderFailure invalidResponse(String generator, String what) {
        return new ProviderFailure(Kind.INVALID_RESPONSE, 0, generator + " " + what, null);
    }

    /**
     * @param generator the generator's name
     * @param breaker the breaker that refused
     * @return an attempt refused by an open circuit
     */
    static ProviderFailure circuitOpen(String generator, CircuitBreaker breaker) {
        return new ProviderFailure(Kind.CIRCUIT_OPEN, 0, generator + " was not called: its circuit breaker is open "
                + "after repeated failures (it lets a trial call through " + seconds(breaker.openDuration())
                + " after opening)", null);
    }

    /**
     * @param note why the generator stopped retrying
     * @return the same failure, with the note added to its message
     */
    ProviderFailure withNote(String note) {
        return new ProviderFailure(kind, status, message + "; " + note, cause);
    }

    /** @return whether another attempt may succeed */
    boolean isTransient() {
        return kind.transientFailure;
    }

    /**
     * @return whether the failure says the provider is unwell (a timeout, the deadline, a network error, 429,
     *     5xx), which counts towards opening the circuit; a client error or an unusable answer does not
     */
    boolean saysProviderIsUnwell() {
        return kind.transientFailure || kind == Kind.DEADLINE;
    }

    /** @return whether a Retry-After the provider sent applies (429 and 503) */
    boolean mayCarryRetryAfter() {
        return status == 429 || status == 503;
    }

    /** @return what happened, naming the generator and status, without secrets */
    String message() {
        return message;
    }

    /** @return the exception LangChain4j threw, with every message redacted, or null */
    Throwable cause() {
        return cause;
    }

    private static String describe(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }

    private static String detail(String text, List<String> secrets) {
        String clean = redactText(text == null ? "" : text, secrets).strip().replaceAll("\\s+", " ");
        return clean.length() <= MAX_DETAIL ? clean : clean.substring(0, MAX_DETAIL) + "...";
    }

    static String redactText(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, REDACTED);
        }
        return out;
    }

    /**
     * Copies an exception chain with every message redacted, keeping each class name and stack trace, so that a
     * logged or printed cause cannot leak a key that a server echoed in its error body.
     */
    private static Throwable redact(Throwable error, List<String> secrets) {
        if (error == null) {
            return null;
        }
        RedactedException copy = new RedactedException(error.getClass().getName() + ": "
                + redactText(String.valueOf(error.getMessage()), secrets), redact(error.getCause() == error ? null
                : error.getCause(), secrets));
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /**
     * Names of exceptions the providers' JSON readers throw for a body that is not JSON or not the expected JSON
     * (by name, so that this module needs no compile-time dependency on the JSON libraries LangChain4j uses).
     */
    private static final List<String> PARSE_ERRORS = List.of("com.fasterxml.jackson.core.JsonProcessingException",
            "com.google.gson.JsonParseException");

    private static boolean isParseError(Throwable error) {
        return parseError(error) != null;
    }

    private static String parseErrorOf(Throwable error) {
        Throwable parse = parseError(error);
        String message = String.valueOf(parse.getMessage());
        int newline = message.indexOf('\n');
        return parse.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private static Throwable parseError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
                if (PARSE_ERRORS.contains(type.getName())) {
                    return t;
                }
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** An exception from a provider client, its message stripped of secrets. */
    static final class RedactedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
