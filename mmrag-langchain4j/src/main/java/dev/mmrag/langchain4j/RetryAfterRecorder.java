package dev.mmrag.langchain4j;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers the last {@code Retry-After} header that a provider sent, so that the generator can wait as long as
 * the provider asked before retrying a rate-limited (429) or unavailable (503) call.
 *
 * <p>LangChain4j turns an HTTP error into an exception that keeps the status and body but drops the headers.
 * The JDK's {@link java.net.http.HttpClient} hands the headers of every response, error or not, to its
 * {@link CookieHandler} (that is how it stores cookies), so the provider models built by
 * {@link ProviderGeneratorBuilder} get an HTTP client with this handler, which keeps no cookies and only
 * notes {@code Retry-After}. The header holds either seconds ({@code 120}) or an HTTP date.
 *
 * <p>Each recording gets a sequence number; the generator notes the number before an attempt and only uses a
 * value recorded after it, so an old header never delays a later retry. Concurrent calls through the same
 * generator share the recorder, which is what a rate limit means: the provider asks every caller to wait.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class RetryAfterRecorder extends CookieHandler {

    private static final String HEADER = "retry-after";

    private final Clock wallClock;
    private long sequence;
    private Duration last;

    /** A recorder that reads HTTP dates against the system clock. */
    RetryAfterRecorder() {
        this(Clock.systemUTC());
    }

    /** @param wallClock the clock HTTP-date values are compared with */
    RetryAfterRecorder(Clock wallClock) {
        this.wallClock = wallClock;
    }

    /** @return a mark to pass to {@link #since(long)} after the attempt */
    synchronized long mark() {
        return sequence;
    }

    /**
     * @param mark a value of {@link #mark()} taken before an attempt
     * @return the wait the provider asked for since then, if it asked
     */
    synchronized Optional<Duration> since(long mark) {
        return sequence > mark ? Optional.of(last) : Optional.empty();
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        return Map.of();
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            if (header.getKey() != null && header.getKey().toLowerCase(Locale.ROOT).equals(HEADER)
                    && !header.getValue().isEmpty()) {
                parse(header.getValue().get(0)).ifPresent(this::record);
            }
        }
    }

    private synchronized void record(Duration wait) {
        sequence++;
        last = wait;
    }

    /**
     * @param value a {@code Retry-After} value: delay-seconds or an HTTP date
     * @return the wait it asks for (zero for a date in the past), or empty when it is malformed
     */
    Optional<Duration> parse(String value) {
        String v = value.strip();
        if (v.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(wallClock.instant(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
