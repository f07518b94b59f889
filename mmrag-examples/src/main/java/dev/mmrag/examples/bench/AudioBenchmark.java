package dev.mmrag.examples.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mmrag.api.AudioContent;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.Assets;
import dev.mmrag.ffmpeg.FfmpegAudioDecoder;
import dev.mmrag.ffmpeg.FfmpegAudioSegmenter;
import dev.mmrag.langchain4j.OpenAiTranscriber;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Audio throughput. (1) Decoding and resampling: {@link FfmpegAudioDecoder} turning a generated MP3 (44.1 kHz
 * stereo, speech by espeak-ng and silence) into 16 kHz mono 16-bit PCM, against the {@code ffmpeg} command-line tool
 * doing the same conversion ({@code ffmpeg -i F -vn -ac 1 -ar 16000 -f s16le -}, output discarded) in the same run;
 * audio seconds per wall second, best of the runs after three uncounted warm-up runs each. (2) Transcribe and index: {@link FfmpegAudioSegmenter} with
 * {@link OpenAiTranscriber} against a local stand-in server (<b>no speech model runs there</b>: it reads the upload
 * and answers with a passage every 5 s of it), the real mini-clip text model and an exact store, so the figure is
 * mmrag's own overhead (decoding, WAV upload over loopback HTTP, windows, embedding, storing).
 *
 * <p>Arguments: {@code --minutes M} (default 10), {@code --runs R} (default 3). Needs {@code espeak-ng} and
 * {@code ffmpeg} on the path. Prints its configuration, a table and a last line
 * {@code RESULT decode_x_realtime=.. ffmpeg_x_realtime=.. index_audio_s_per_s=..}.
 *
 * <p>Thread-safety: a program; not for concurrent use.
 */
public final class AudioBenchmark {

    /** Uncounted runs first, so the JIT has compiled the decoding loop (the CLI is native from the start). */
    private static final int WARMUP_RUNS = 3;

    private AudioBenchmark() {
    }

    /**
     * @param args {@code --minutes M --runs R}
     * @throws Exception when a tool fails
     */
    public static void main(String[] args) throws Exception {
        int minutes = intArg(args, "--minutes", 10);
        int runs = intArg(args, "--runs", 3);
        Path dir = Files.createTempDirectory("mmrag-audio-bench");
        Path file = makeAudio(dir, minutes);
        double audioS = FfmpegAudioDecoder.create().decode(AudioContent.of(file), (s, n) -> { }).durationMs() / 1000.0;

        System.out.println("AudioBenchmark");
        System.out.printf(Locale.ROOT, "input        %s (%.1f min, MP3 44.1 kHz stereo, espeak-ng speech and silence)%n",
                file.getFileName(), audioS / 60);
        System.out.println("conversion   to 16 kHz mono s16 PCM; " + WARMUP_RUNS + " warm-up runs each, then " + runs
                + " runs (best counted)");
        System.out.println("java         " + System.getProperty("java.version") + ", cores "
                + Runtime.getRuntime().availableProcessors());
        System.out.println("note         the machine is shared with other builds; figures are noisy, compare ratios");

        double best = 0;
        double bestCli = 0;
        for (int w = 0; w < WARMUP_RUNS; w++) { // JIT warm-up of the Java side (JavaCV's per-frame code), not counted
            FfmpegAudioDecoder.create().decode(AudioContent.of(file), (s, n) -> { });
            cli(file);
        }
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            long[] samples = {0};
            FfmpegAudioDecoder.create().decode(AudioContent.of(file), (s, n) -> samples[0] += n);
            double mmrag = audioS / ((System.nanoTime() - t0) / 1e9);
            long t1 = System.nanoTime();
            long bytes = cli(file);
            double ffmpeg = audioS / ((System.nanoTime() - t1) / 1e9);
            if (Math.abs(bytes / 2 - samples[0]) > 16_000) {
                System.out.println("warning: the CLI gave " + bytes / 2 + " samples, mmrag " + samples[0]);
            }
            best = Math.max(best, mmrag);
            bestCli = Math.max(bestCli, ffmpeg);
            System.out.printf(Locale.ROOT, "run %d        mmrag %.1fx realtime, ffmpeg CLI %.1fx realtime%n", r + 1,
                    mmrag, ffmpeg);
        }

        double indexRate;
        int uploads;
        long passages;
        try (StandIn server = new StandIn();
                ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Assets.miniClip()).build();
                ExactVectorStore store = new ExactVectorStore(clip.dimension(), Metric.COSINE)) {
            OpenAiTranscriber transcriber = OpenAiTranscriber.builder(server.baseUrl()).build();
            FfmpegAudioSegmenter segmenter = FfmpegAudioSegmenter.builder(transcriber)
                    .tokens(clip.maxTextTokens(), clip::countTextTokens).build();
            MultimodalRag rag = MultimodalRag.builder().encoder(clip).store(store).segmenter(segmenter).build();
            long t = System.nanoTime();
            IndexReport report = rag.index(List.of(Item.of("episode", AudioContent.of(file))));
            double wall = (System.nanoTime() - t) / 1e9;
            if (!report.failures().isEmpty()) {
                throw new IllegalStateException("indexing failed: " + report.failures());
            }
            indexRate = audioS / wall;
            uploads = server.uploads;
            passages = store.get("episode").orElseThrow().segments().size();
        }

        System.out.println();
        System.out.println("| path | audio s per wall s |");
        System.out.println("| --- | --- |");
        System.out.printf(Locale.ROOT, "| FfmpegAudioDecoder decode + resample | %.1f |%n", best);
        System.out.printf(Locale.ROOT, "| ffmpeg CLI, same conversion | %.1f |%n", bestCli);
        System.out.printf(Locale.ROOT, "| ratio mmrag / CLI | %.2f |%n", best / bestCli);
        System.out.printf(Locale.ROOT, "| transcribe (stand-in, %d uploads) and index %d spoken passages | %.1f |%n",
                uploads, passages, indexRate);
        System.out.printf(Locale.ROOT, "RESULT decode_x_realtime=%.1f ffmpeg_x_realtime=%.1f index_audio_s_per_s=%.1f%n",
                best, bestCli, indexRate);
    }

    private static long cli(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-i", file.toString(), "-vn",
                "-ac", "1", "-ar", "16000", "-f", "s16le", "-").start();
        long bytes;
        try (InputStream in = p.getInputStream()) {
            bytes = in.transferTo(OutputStream.nullOutputStream());
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg failed on " + file);
        }
        return bytes;
    }

    /** Speech (a few espeak-ng phrases) and silence, repeated to the length asked, as a 44.1 kHz stereo MP3. */
    private static Path makeAudio(Path dir, int minutes) throws IOException, InterruptedException {
        String[] phrases = {"this is the red striped t-shirt by Harbor and Pine",
            "a navy wool coat with horn buttons", "white canvas sneakers for the summer"};
        List<String> list = new ArrayList<>();
        for (int i = 0; i < phrases.length; i++) {
            Path wav = dir.resolve("p" + i + ".wav");
            run("espeak-ng", "-w", wav.toString(), phrases[i]);
            list.add("file '" + wav + "'");
            list.add("file '" + dir.resolve("gap.wav") + "'");
        }
        run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t",
                "1.5", "-c:a", "pcm_s16le", dir.resolve("gap.wav").toString());
        Path concat = Files.write(dir.resolve("list.txt"), list);
        Path out = dir.resolve("speech-" + minutes + "min.mp3");
        run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-stream_loop", "-1", "-f", "concat", "-safe", "0", "-i",
                concat.toString(), "-t", String.valueOf(minutes * 60), "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame",
                "-b:a", "128k", out.toString());
        return out;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(Arrays.toString(command) + " failed: " + log);
        }
    }

    private static int intArg(String[] args, String name, int defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return defaultValue;
    }

    /** A transcription server stand-in: reads the upload, answers a passage every 5 s of it. No model runs. */
    private static final class StandIn implements AutoCloseable {
        private final HttpServer server;
        private volatile int uploads;

        StandIn() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/v1/audio/transcriptions", this::handle);
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                long bytes = exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                uploads++;
                double seconds = Math.max(0, bytes - 1024) / 32_000.0;
                StringBuilder segments = new StringBuilder();
                for (int i = 0; (i + 1) * 5 <= seconds; i++) {
                    if (i > 0) {
                        segments.append(',');
                    }
                    segments.append(String.format(Locale.ROOT,
                            "{\"start\":%d.0,\"end\":%d.5,\"text\":\" passage %d about the red striped t-shirt\"}",
                            i * 5, i * 5 + 4, i));
                }
                byte[] body = ("{\"language\":\"english\",\"segments\":[" + segments + "]}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
