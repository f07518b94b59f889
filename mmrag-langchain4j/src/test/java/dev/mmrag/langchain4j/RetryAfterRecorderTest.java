package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RetryAfterRecorder}: the two forms of the header, and that only values newer than a mark count. */
class RetryAfterRecorderTest {

    private final RetryAfterRecorder recorder = new RetryAfterRecorder(
            Clock.fixed(Instant.parse("2026-01-05T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void readsSecondsAndHttpDates() {
        assertThat(recorder.parse("7")).contains(Duration.ofSeconds(7));
        assertThat(recorder.parse(" 0 ")).contains(Duration.ZERO);
        assertThat(recorder.parse("Mon, 05 Jan 2026 10:01:30 GMT")).contains(Duration.ofSeconds(90));
        assertThat(recorder.parse("Mon, 05 Jan 2026 09:00:00 GMT")).contains(Duration.ZERO);
        assertThat(recorder.parse("soon")).isEmpty();
        assertThat(recorder.parse("-5")).isEmpty();
    }

    @Test
    void onlyAValueRecordedAfterTheMarkCounts() throws IOException {
        recorder.put(URI.create("http://x/"), Map.of("Retry-After", List.of("5")));
        long mark = recorder.mark();
        assertThat(recorder.since(mark)).isEmpty();

        recorder.put(URI.create("http://x/"), Map.of("content-type", List.of("application/json")));
        assertThat(recorder.since(mark)).isEmpty();

        recorder.put(URI.create("http://x/"), Map.of("retry-after", List.of("12")));
        assertThat(recorder.since(mark)).contains(Duration.ofSeconds(12));
    }

    @Test
    void keepsNoCookies() {
        assertThat(recorder.get(URI.create("http://x/"), Map.of())).isEmpty();
    }
}
