package dev.mmrag.test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A local HTTP server that speaks the OpenAI-compatible transcription protocol ({@code POST /v1/audio/transcriptions},
 * multipart, {@code response_format=verbose_json}) for tests. <b>No speech model runs here.</b> The test tells it
 * what is said when in the source recording (a script of lines with absolute times, known because the test made
 * the recording; a line whose span is silent in an upload is not heard); for each upload the stand-in decodes the WAV it received (checking it is a RIFF/PCM file and
 * recording its sample rate, channels, sample size and duration), finds where the piece lies in the source (by
 * matching its samples against the source's, when the test gives them; otherwise at 0) and answers with the
 * script's lines that mostly fall inside the piece, their times relative to the piece, as a real server would.
 * Tests can queue failures (an HTTP status with {@code Retry-After}, a delay, a raw body) for the next requests.
 *
 * <p>Thread-safety: safe for concurrent use (each request on its own thread; the queue of scripted answers is
 * synchronised).
 */
public final class TranscriptionStandIn implements AutoCloseable {

    /** A scripted line: what is said from {@code startMs} to {@code endMs} of the source. */
    public record Line(long startMs, long endMs, String text) {
    }

    /**
     * What one request uploaded, as decoded by the stand-in.
     *
     * @param fields the form fields other than the file (model, response_format, language, ...)
     * @param authorization the {@code Authorization} header, or null
     * @param sampleRate the WAV's sample rate
     * @param channels the WAV's channel count
     * @param bitsPerSample the WAV's sample size
     * @param samples the decoded (first channel's) samples
     * @param offsetMs where the piece was found in the source, or 0 without source
     * @param fileBytes the size of the uploaded file part
     */
    public record Upload(Map<String, String> fields, String authorization, int sampleRate, int channels,
            int bitsPerSample, short[] samples, long offsetMs, int fileBytes) {

        /** @return how long the uploaded audio lasts, in milliseconds (fractional) */
        public double durationMs() {
            return samples.length * 1000.0 / sampleRate;
        }
    }

    private final HttpServer server;
    private final List<Line> script;
    private final short[] source;
    private final List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Scripted> next = new ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    private TranscriptionStandIn(List<Line> script, short[] source) throws IOException {
        this.script = List.copyOf(script);
        this.source = source;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/audio/transcriptions", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "transcription-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /**
     * @param script what is said when in the source, absolute times
     * @param source16kMono the source's samples at 16 kHz mono (as the code under test decodes it), to locate the
     *     uploaded pieces; null to take every upload as starting at 0
     * @return a started stand-in on a free loopback port
     * @throws IOException when no port can be opened
     */
    public static TranscriptionStandIn start(List<Line> script, short[] source16kMono) throws IOException {
        return new TranscriptionStandIn(script, source16kMono);
    }

    /** @return the API root to give a client, {@code http://127.0.0.1:PORT/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /**
     * The next request is answered with this status and body (and a {@code Retry-After} when not null).
     *
     * @param status the HTTP status
     * @param retryAfter the header's value, or null
     * @param body the body
     */
    public synchronized void failNext(int status, String retryAfter, String body) {
        next.add(new Scripted(status, retryAfter, body, Duration.ZERO));
    }

    /**
     * The next request is answered with this raw 200 body instead of the script.
     *
     * @param body the body, for example malformed JSON
     */
    public synchronized void answerNext(String body) {
        next.add(new Scripted(200, null, body, Duration.ZERO));
    }

    /**
     * The next request waits this long before it is answered from the script.
     *
     * @param delay the wait
     */
    public synchronized void delayNext(Duration delay) {
        next.add(new Scripted(0, null, null, delay));
    }

    /** @return the uploads received, in order (failed requests included) */
    public List<Upload> uploads() {
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    /** @return how many requests arrived */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            Scripted scripted;
            synchronized (this) {
                scripted = next.poll();
            }
            Upload upload;
            try {
                upload = read(exchange);
            } catch (RuntimeException e) {
                send(exchange, 400, null, "{\"error\":{\"message\":\"" + escape(String.valueOf(e.getMessage())) + "\"}}");
                return;
            }
            uploads.add(upload);
            if (scripted != null && scripted.delay.toMillis() > 0) {
                try {
                    Thread.sleep(scripted.delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else if (scripted != null) {
                send(exchange, scripted.status, scripted.retryAfter, scripted.body);
                return;
            }
            send(exchange, 200, null, answer(upload));
        }
    }

    private String answer(Upload upload) {
        double duration = upload.durationMs();
        StringBuilder segments = new StringBuilder();
        StringBuilder text = new StringBuilder();
        int id = 0;
        for (Line line : heard(script, upload.offsetMs, duration, upload.samples, upload.sampleRate)) {
            if (segments.length() > 0) {
                segments.append(',');
            }
            segments.append(String.format(Locale.ROOT,
                    "{\"id\":%d,\"seek\":0,\"start\":%.3f,\"end\":%.3f,\"text\":\" %s\",\"avg_logprob\":-0.2,"
                            + "\"no_speech_prob\":0.01}",
                    id++, line.startMs / 1000.0, line.endMs / 1000.0, escape(line.text)));
            text.append(' ').append(line.text);
        }
        return String.format(Locale.ROOT, "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":%.3f,"
                + "\"text\":\"%s\",\"segments\":[%s]}", duration / 1000, escape(text.toString().strip()), segments);
    }

    /**
     * The script's lines a piece of audio holds, as a recogniser would hear them: the lines at least half inside
     * {@code [offsetMs, offsetMs + durationMs)} and where the piece is not silent (a recogniser hears nothing in
     * silence), their times relative to the piece and clipped to it.
     *
     * @param script the lines, absolute times
     * @param offsetMs where the piece starts in the source
     * @param durationMs how long it lasts
     * @param samples the piece's samples
     * @param rate their sample rate
     * @return the lines heard, relative times
     */
    static List<Line> heard(List<Line> script, long offsetMs, double durationMs, short[] samples, int rate) {
        List<Line> out = new ArrayList<>();
        for (Line line : script) {
            double start = line.startMs - offsetMs;
            double end = line.endMs - offsetMs;
            double inside = Math.min(end, durationMs) - Math.max(start, 0);
            if (inside <= 0 || inside < 0.5 * (end - start)) {
                continue;
            }
            Line heard = new Line(Math.round(Math.max(0, start)), Math.round(Math.min(end, durationMs)), line.text);
            if (loud(samples, rate, heard)) {
                out.add(heard);
            }
        }
        return out;
    }

    /** Whether some 20 ms frame inside the line's span has an RMS of at least 300. */
    private static boolean loud(short[] samples, int rate, Line line) {
        int frame = rate / 50;
        int from = (int) (line.startMs * rate / 1000);
        int to = (int) Math.min(samples.length, line.endMs * rate / 1000);
        for (int f = from; f + frame <= to; f += frame) {
            double sum = 0;
            for (int i = f; i < f + frame; i++) {
                sum += (double) samples[i] * samples[i];
            }
            if (Math.sqrt(sum / frame) >= 300) {
                return true;
            }
        }
        return false;
    }

    private Upload read(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("multipart/form-data") || !type.contains("boundary=")) {
            throw new IllegalArgumentException("expected multipart/form-data, got " + type);
        }
        String boundary = type.substring(type.indexOf("boundary=") + 9).replace("\"", "");
        byte[] body = exchange.getRequestBody().readAllBytes();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        Map<String, String> fields = new LinkedHashMap<>();
        byte[] file = null;
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int partStart = at + delimiter.length;
            if (partStart + 2 <= body.length && body[partStart] == '-' && body[partStart + 1] == '-') {
                break;
            }
            partStart += 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), partStart);
            int nextAt = indexOf(body, delimiter, headersEnd);
            if (headersEnd < 0 || nextAt < 0) {
                throw new IllegalArgumentException("malformed multipart body");
            }
            String headers = new String(body, partStart, headersEnd - partStart, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int contentEnd = nextAt - 2;
            String name = headers.replaceAll("(?s).*name=\"([^\"]*)\".*", "$1");
            if (headers.contains("filename=")) {
                file = java.util.Arrays.copyOfRange(body, contentStart, contentEnd);
            } else {
                fields.put(name, new String(body, contentStart, contentEnd - contentStart, StandardCharsets.UTF_8));
            }
            at = nextAt;
        }
        if (file == null) {
            throw new IllegalArgumentException("no file part");
        }
        return wav(file, fields, exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private Upload wav(byte[] file, Map<String, String> fields, String authorization) {
        if (file.length < 44 || !new String(file, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                || !new String(file, 8, 4, StandardCharsets.US_ASCII).equals("WAVE")) {
            throw new IllegalArgumentException("the file is not a WAV");
        }
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int pos = 12;
        short[] samples = null;
        while (pos + 8 <= file.length) {
            String id = new String(file, pos, 4, StandardCharsets.US_ASCII);
            int size = le32(file, pos + 4);
            int data = pos + 8;
            if (id.equals("fmt ")) {
                if (le16(file, data) != 1) {
                    throw new IllegalArgumentException("the WAV is not PCM");
                }
                channels = le16(file, data + 2);
                rate = le32(file, data + 4);
                bits = le16(file, data + 14);
            } else if (id.equals("data")) {
                if (bits != 16 || channels < 1) {
                    throw new IllegalArgumentException("expected 16-bit PCM, got " + bits + " bits");
                }
                int frames = Math.min(size, file.length - data) / (2 * channels);
                samples = new short[frames];
                for (int i = 0; i < frames; i++) {
                    samples[i] = (short) le16(file, data + 2 * channels * i);
                }
            }
            pos = data + size + (size & 1);
        }
        if (samples == null) {
            throw new IllegalArgumentException("the WAV has no data chunk");
        }
        return new Upload(Map.copyOf(fields), authorization, rate, channels, bits, samples, locate(samples, rate),
                file.length);
    }

    private long locate(short[] piece, int rate) {
        return locate(source, piece, rate);
    }

    /** Where the piece's samples lie in the source, in ms; 0 without source or when it cannot be told. */
    static long locate(short[] source, short[] piece, int rate) {
        if (source == null) {
            return 0;
        }
        int k = -1;
        for (int i = 0; i < piece.length - 64; i++) {
            if (Math.abs(piece[i]) > 2000) {
                k = i;
                break;
            }
        }
        if (k < 0) {
            return 0;
        }
        outer:
        for (int p = k; p + 64 <= source.length; p++) {
            if (source[p] != piece[k]) {
                continue;
            }
            for (int j = 1; j < 64; j++) {
                if (source[p + j] != piece[k + j]) {
                    continue outer;
                }
            }
            return Math.round((p - k) * 1000.0 / rate);
        }
        return 0;
    }

    private static int indexOf(byte[] data, byte[] what, int from) {
        if (from < 0) {
            return -1;
        }
        outer:
        for (int i = from; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int le16(byte[] b, int at) {
        return (short) ((b[at] & 0xFF) | (b[at + 1] << 8));
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void send(HttpExchange exchange, int status, String retryAfter, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Scripted(int status, String retryAfter, String body, Duration delay) {
    }
}
