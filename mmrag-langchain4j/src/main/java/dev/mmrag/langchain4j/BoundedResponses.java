package dev.mmrag.langchain4j;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A LangChain4j HTTP client whose responses are read through bounds. A streamed response: at most
 * {@value #MAX_LINE_BYTES} bytes in one line and {@value #MAX_STREAM_BYTES} bytes in all; LangChain4j's stream
 * parsers read a line whole (and an event's lines together), so a server that sends one endless line would otherwise
 * fill the heap before mmrag's answer limit ({@link LangChain4jGenerator.Builder#maxAnswerChars(int)}) sees a
 * character. A non-streamed response (sent here over the JDK client, as LangChain4j's JDK client sends it, but read
 * as a stream instead of whole): at most {@value #MAX_BODY_BYTES} bytes. Past a bound, reading fails with
 * {@link TooLarge}, which ends the attempt as an unusable answer (not retried).
 *
 * <p>Not bounded: the error body of a streamed request that failed (LangChain4j's JDK client reads it whole before
 * any parser sees it), and requests with form data, which go to the delegate as they are (chat requests have none).
 *
 * <p>Thread-safety: thread-safe (the JDK clients are).
 */
final class BoundedResponses implements HttpClient {

    /** The longest line of a streamed response: 1 MiB (a streamed piece of an answer is a few hundred bytes). */
    static final int MAX_LINE_BYTES = 1 << 20;
    /** The most bytes of one streamed response: 32 MiB. */
    static final long MAX_STREAM_BYTES = 32L << 20;
    /** The most bytes of one non-streamed response: 16 MiB (an answer of 100,000 characters is some 400 KB). */
    static final long MAX_BODY_BYTES = 16L << 20;
    /** The size of the pieces a non-streamed response is read in. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final HttpClient delegate;
    private final java.net.http.HttpClient jdk;
    private final Duration readTimeout;

    /**
     * @param delegate LangChain4j's client, for streamed requests
     * @param jdk the JDK client for non-streamed requests, configured as the delegate's
     * @param readTimeout the longest a non-streamed request may take, or null
     */
    BoundedResponses(HttpClient delegate, java.net.http.HttpClient jdk, Duration readTimeout) {
        this.delegate = delegate;
        this.jdk = jdk;
        this.readTimeout = readTimeout;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            return delegate.execute(request);
        }
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        builder.method(request.method().name(), request.body() == null ? BodyPublishers.noBody()
                : BodyPublishers.ofString(request.body()));
        if (readTimeout != null) {
            builder.timeout(readTimeout);
        }
        try {
            HttpResponse<InputStream> response = jdk.send(builder.build(), BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = readBody(in);
            }
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                throw new HttpException(response.statusCode(), new String(body, StandardCharsets.UTF_8));
            }
            return SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                    .headers(response.headers().map()).body(body).build();
        } catch (HttpTimeoutException e) {
            throw new dev.langchain4j.exception.TimeoutException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * Reads the body into chunks and joins them once at the end, so that a body that reaches the bound never holds
     * more than the bound in memory (a growing array would also hold the half-size copy it grew from).
     */
    private static byte[] readBody(InputStream in) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        while (true) {
            byte[] chunk = in.readNBytes(CHUNK_BYTES);
            total += chunk.length;
            if (total > MAX_BODY_BYTES) {
                throw new TooLarge("the response is longer than " + MAX_BODY_BYTES + " bytes");
            }
            if (chunk.length > 0) {
                chunks.add(chunk);
            }
            if (chunk.length < CHUNK_BYTES) {
                break;
            }
        }
        byte[] body = new byte[(int) total];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, body, at, chunk.length);
            at += chunk.length;
        }
        return body;
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        delegate.execute(request, (in, events) -> parser.parse(new Bounded(in), events), listener);
    }

    /** Reading a streamed response passed one of the bounds. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** An input stream that fails once a line or the whole stream passes its bound. */
    private static final class Bounded extends FilterInputStream {
        private long total;
        private long line;

        Bounded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                count(buffer[offset + i]);
            }
            return n;
        }

        private void count(byte b) throws TooLarge {
            total++;
            line = b == '\n' ? 0 : line + 1;
            if (line > MAX_LINE_BYTES) {
                throw new TooLarge("the streamed response has a line longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (total > MAX_STREAM_BYTES) {
                throw new TooLarge("the streamed response is longer than " + MAX_STREAM_BYTES + " bytes");
            }
        }
    }
}
