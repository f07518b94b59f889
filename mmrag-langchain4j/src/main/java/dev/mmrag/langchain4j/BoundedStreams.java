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

/**
 * A LangChain4j HTTP client whose streamed responses are read through a bound: at most {@value #MAX_LINE_BYTES}
 * bytes in one line and {@value #MAX_STREAM_BYTES} bytes in all. LangChain4j's stream parsers read a line whole
 * (and an event's lines together), so a server that sends one endless line would otherwise fill the heap before
 * mmrag's answer limit ({@link LangChain4jGenerator.Builder#maxAnswerChars(int)}) sees a character. Past a bound,
 * reading fails with {@link TooLarge}, which ends the attempt as an unusable answer (not retried).
 *
 * <p>Non-streamed responses are read by the delegate as they are (LangChain4j's JDK client reads the whole body).
 *
 * <p>Thread-safety: as the delegate (the JDK client is thread-safe).
 */
final class BoundedStreams implements HttpClient {

    /** The longest line of a streamed response: 1 MiB (a streamed piece of an answer is a few hundred bytes). */
    static final int MAX_LINE_BYTES = 1 << 20;
    /** The most bytes of one streamed response: 32 MiB. */
    static final long MAX_STREAM_BYTES = 32L << 20;

    private final HttpClient delegate;

    BoundedStreams(HttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        return delegate.execute(request);
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
