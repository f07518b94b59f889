package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.GenerationException;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.TranscriptSegment;
import dev.mmrag.api.Transcription;
import dev.mmrag.api.TranscriptionRequest;
import dev.mmrag.test.TranscriptionStandIn;
import dev.mmrag.test.TranscriptionStandIn.Line;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenAiTranscriber} against {@link TranscriptionStandIn}, a local HTTP server speaking the OpenAI
 * transcription protocol. <b>No speech model runs there</b>: the stand-in decodes the uploaded WAV (so the test can
 * check what was sent) and answers with the lines the test scripted.
 */
class OpenAiTranscriberTest {

    private static final String KEY = "sk-test-Secret-4711-do-not-print";
    private static final List<Line> SCRIPT = List.of(new Line(200, 1400, "this is the red striped t-shirt"),
            new Line(1800, 2900, "by Harbor and Pine"));

    private TranscriptionStandIn server;

    @BeforeEach
    void start() throws Exception {
        server = TranscriptionStandIn.start(SCRIPT, null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Three seconds of a 440 Hz tone at 16 kHz: 48,000 samples. */
    private static TranscriptionRequest threeSeconds() {
        short[] samples = new short[48_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        return TranscriptionRequest.of(samples, "clip.wav");
    }

    private OpenAiTranscriber.Builder builder(FakeTime time) {
        return OpenAiTranscriber.builder(server.baseUrl()).model("whisper-large-v3").apiKey(KEY).timeSource(time)
                .jitter(() -> 0.0);
    }

    @Test
    void uploadsCompactMonoWavAndReadsTimedSegments() {
        Transcription t = builder(new FakeTime()).build().transcribe(threeSeconds());

        TranscriptionStandIn.Upload upload = server.uploads().get(0);
        assertThat(upload.sampleRate()).isEqualTo(16_000);
        assertThat(upload.channels()).isEqualTo(1);
        assertThat(upload.bitsPerSample()).isEqualTo(16);
        assertThat(upload.durationMs()).isCloseTo(3000.0, org.assertj.core.data.Offset.offset(20.0));
        assertThat(upload.samples()).isEqualTo(threeSeconds().samples());
        assertThat(upload.fields()).containsEntry("model", "whisper-large-v3")
                .containsEntry("response_format", "verbose_json")
                .containsEntry("timestamp_granularities[]", "segment");
        assertThat(upload.authorization()).isEqualTo("Bearer " + KEY);
        assertThat(t.segments()).extracting(TranscriptSegment::startMs, TranscriptSegment::endMs,
                TranscriptSegment::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(200L, 1400L, "this is the red striped t-shirt"),
                org.assertj.core.groups.Tuple.tuple(1800L, 2900L, "by Harbor and Pine"));
        assertThat(t.language()).isEqualTo("english");
        assertThat(t.segments().get(0).confidence()).isCloseTo(Math.exp(-0.2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(t.warnings()).isEmpty();
    }

    @Test
    void sendsTheLanguageHintAndNoKeyWhenNoneIsSet() {
        OpenAiTranscriber.builder(server.baseUrl()).build()
                .transcribe(new TranscriptionRequest(threeSeconds().samples(), 16_000, "en", "clip.wav"));
        assertThat(server.uploads().get(0).fields()).containsEntry("language", "en")
                .containsEntry("model", OpenAiTranscriber.DEFAULT_MODEL);
        assertThat(server.uploads().get(0).authorization()).isNull();
    }

    @Test
    void retriesA429AfterItsRetryAfterAndA503WithBackoff() {
        server.failNext(429, "2", "{\"error\":{\"message\":\"slow down\"}}");
        server.failNext(503, null, "{\"error\":{\"message\":\"overloaded\"}}");
        FakeTime time = new FakeTime();

        Transcription t = builder(time).build().transcribe(threeSeconds());

        assertThat(t.segments()).hasSize(2);
        assertThat(server.requests()).isEqualTo(3);
        assertThat(time.sleeps()).hasSize(2);
        assertThat(time.sleeps().get(0)).isEqualTo(Duration.ofSeconds(2));
        // the default policy's second backoff, 1 s, with jitter 0 (half of it)
        assertThat(time.sleeps().get(1)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void retriesAnAttemptThatTimesOut() {
        server.delayNext(Duration.ofMillis(1500));
        OpenAiTranscriber transcriber = OpenAiTranscriber.builder(server.baseUrl()).attemptTimeout(Duration.ofMillis(300))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO)).build();

        Transcription t = transcriber.transcribe(threeSeconds());

        assertThat(t.segments()).hasSize(2);
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void doesNotRetryARefusedKeyAndNeverPrintsIt() {
        server.failNext(401, null, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}");
        try (LogCapture log = new LogCapture()) {
            OpenAiTranscriber transcriber = builder(new FakeTime()).build();
            assertThatThrownBy(() -> transcriber.transcribe(threeSeconds()))
                    .isInstanceOf(GenerationException.class)
                    .hasMessageContaining("refused the key (HTTP 401")
                    .hasMessageContaining("1 attempt")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY).contains("***"));
            assertThat(transcriber.toString()).doesNotContain(KEY);
            assertThat(log.text()).doesNotContain(KEY);
        }
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void retryLogsNameTheFailureButNotTheKey() {
        server.failNext(500, null, "{\"error\":\"boom for " + KEY + "\"}");
        try (LogCapture log = new LogCapture()) {
            builder(new FakeTime()).build().transcribe(threeSeconds());
            assertThat(log.text()).contains("HTTP 500").doesNotContain(KEY);
        }
    }

    @Test
    void refusesAMalformedAnswer() {
        OpenAiTranscriber transcriber = builder(new FakeTime()).build();
        server.answerNext("<html>not json</html>");
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a verbose JSON transcription").hasMessageContaining("not JSON");
        server.answerNext("{\"text\":\"hello\"}");
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no 'segments' array");
        server.answerNext("{\"segments\":[{\"start\":\"zero\",\"end\":1,\"text\":\"hi\"}]}");
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("segment 0 lacks a numeric 'start'");
    }

    @Test
    void clampsOrDropsSegmentsPastTheEndOrGoingBackwardsAndSaysSo() {
        server.answerNext("{\"language\":\"en\",\"segments\":["
                + "{\"start\":0.0,\"end\":1.0,\"text\":\"first\"},"
                + "{\"start\":0.5,\"end\":0.8,\"text\":\"backwards\"},"
                + "{\"start\":2.0,\"end\":3.9,\"text\":\"runs past the end\"},"
                + "{\"start\":3.5,\"end\":4.0,\"text\":\"starts past the end\"},"
                + "{\"start\":2.5,\"end\":2.0,\"text\":\"inverted\"}]}");

        Transcription t = builder(new FakeTime()).build().transcribe(threeSeconds());

        assertThat(t.segments()).extracting(TranscriptSegment::text).containsExactly("first", "runs past the end");
        assertThat(t.segments().get(1).endMs()).isEqualTo(3000);
        assertThat(t.warnings()).hasSize(4);
        assertThat(String.join("\n", t.warnings())).contains("times going backwards; dropped")
                .contains("clamped to 3000 ms").contains("starts at or past the end").contains("ends before it starts");
    }

    @Test
    void circuitBreakerFailsFastAfterRepeatedServerFailures() {
        OpenAiTranscriber transcriber = builder(new FakeTime()).retryPolicy(RetryPolicy.noRetries())
                .circuitBreaker(CircuitBreaker.of(2, Duration.ofMinutes(1))).build();
        server.failNext(500, null, "{}");
        server.failNext(502, null, "{}");
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).hasMessageContaining("HTTP 500");
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).hasMessageContaining("HTTP 502");
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).isInstanceOf(GenerationException.class)
                .hasMessageContaining("circuit breaker is open");
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void refusesAPieceOverTheUploadLimitAndTellsTheLongestPiece() {
        OpenAiTranscriber transcriber = builder(new FakeTime()).maxUploadBytes(65_536).build();
        assertThat(transcriber.maxPieceMs()).isEqualTo((65_536 - 4096 - 44) * 1000L / 32_000);
        assertThatThrownBy(() -> transcriber.transcribe(threeSeconds())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload limit").hasMessageContaining("65536 bytes");
        assertThat(server.requests()).isZero();
        assertThat(OpenAiTranscriber.builder(server.baseUrl()).build().maxPieceMs()).isGreaterThan(13 * 60_000);
    }

    @Test
    void refusesABaseUrlThatIsNotHttp() {
        assertThatThrownBy(() -> OpenAiTranscriber.builder("file:///etc/passwd")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must be an http or https URL");
        assertThatThrownBy(() -> OpenAiTranscriber.builder("https://user:pw@example.com/v1"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("must not carry credentials");
    }
}
