package dev.mmrag.examples.bench;

import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.VideoContent;
import dev.mmrag.core.DefaultRetriever;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.Assets;
import dev.mmrag.examples.MomentEvaluation;
import dev.mmrag.examples.VideoFolder;
import dev.mmrag.ffmpeg.FfmpegVideoSegmenter;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Video indexing speed, memory and vectors, against baselines in the same run:
 * <ol>
 *   <li>a generated long 1080p H.264 video (the labelled clips of {@code assets/data/style-videos} scaled to
 *       1920x1080 at 25 fps, concatenated and looped to the asked length; made once with the ffmpeg command-line
 *       tool and kept in the work folder): decoding throughput of {@code FfmpegVideoSegmenter} (decode, shot
 *       detection, keyframe JPEGs; no model) against {@code ffmpeg -i F -f null -} on the same file (when the
 *       tool is installed);</li>
 *   <li>the whole indexing of that video (segmenter, mini-clip on ONNX Runtime, exact store): seconds of video per
 *       second, vectors per minute against uniform 1 frame/s sampling (its segment count), and the heap, sampled
 *       every 200 ms, at each quarter and at its peak, to show that memory stays flat;</li>
 *   <li>moment recall@5 on the labelled set, image and text queries together, for shot-based segments and for
 *       uniform 1 frame/s (every frame kept).</li>
 * </ol>
 *
 * <p>Usage: {@code java -Xmx512m -cp ... VideoIndexBenchmark [minutes] [workDir]} (defaults 10 and
 * {@code target/video-bench}). Prints the configuration, a table and a last line
 * {@code RESULT video_s_per_s=.. decode_fps=.. ffmpeg_cli_fps=.. vectors_per_min=.. uniform_vectors_per_min=..
 * moment_recall@5=.. uniform_moment_recall@5=..}.
 *
 * <p>Thread-safety: a program; not for concurrent use.
 */
public final class VideoIndexBenchmark {

    private VideoIndexBenchmark() {
    }

    /**
     * @param args optional: the video length in minutes, the work folder
     * @throws Exception when a step fails
     */
    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path work = Path.of(args.length > 1 ? args[1] : "target/video-bench");
        Files.createDirectories(work);
        Path labelled = Assets.root().resolve("data/style-videos");
        boolean cli = ffmpegInstalled();
        System.out.printf(Locale.ROOT, "VideoIndexBenchmark: %d-minute 1080p H.264 video, labelled set %s%n", minutes,
                labelled);
        System.out.printf(Locale.ROOT, "JVM max heap %d MiB, %d cores; ffmpeg CLI %s%n",
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
                cli ? "installed" : "NOT installed: the CLI baseline is skipped");
        if (!cli) {
            System.out.println("the long video is made with the ffmpeg CLI: install ffmpeg to run parts 1 and 2");
        }
        double cliFps = Double.NaN;
        double decodeFps = Double.NaN;
        double videoSecondsPerSecond = Double.NaN;
        double vectorsPerMin = Double.NaN;
        double uniformPerMin = Double.NaN;
        try (ClipOnnxEncoder encoder = ClipOnnxEncoder.builder(Assets.miniClip()).build()) {
            System.out.println("model " + encoder);
            if (cli) {
                Path video = longVideo(labelled, work, minutes);
                Path keyframes = work.resolve("keyframes");
                // 1. decoding: the CLI, then the segmenter alone, then the CLI again (machine noise hits both)
                double cli1 = cliSeconds(video);
                FfmpegVideoSegmenter segmenter = FfmpegVideoSegmenter.builder().keyframeDirectory(keyframes).build();
                long start = System.nanoTime();
                Segmentation segmentation = segmenter.segment(VideoContent.of(video));
                double segmentSeconds = (System.nanoTime() - start) / 1e9;
                double cli2 = cliSeconds(video);
                double frames = segmentation.durationMs() / 40.0; // the long video is 25 fps
                decodeFps = frames / segmentSeconds;
                cliFps = frames / Math.min(cli1, cli2);
                System.out.printf(Locale.ROOT, "%n%-44s %10s %10s%n", "decoding " + video.getFileName(), "seconds", "fps");
                System.out.printf(Locale.ROOT, "%-44s %10.1f %10.0f%n", "ffmpeg -i F -f null - (best of 2)",
                        Math.min(cli1, cli2), cliFps);
                System.out.printf(Locale.ROOT, "%-44s %10.1f %10.0f%n", "FfmpegVideoSegmenter.segment (no model)",
                        segmentSeconds, decodeFps);
                System.out.printf(Locale.ROOT, "ratio segmenter / CLI: %.2f (%d segments)%n", decodeFps / cliFps,
                        segmentation.segments().size());
                // 2. the whole indexing, with the heap sampled
                HeapSampler heap = new HeapSampler();
                ExactVectorStore store = new ExactVectorStore(encoder.dimension(), Metric.COSINE);
                MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).segmenter(segmenter).build();
                heap.start();
                IndexReport report = rag.index(List.of(Item.of("long", VideoContent.of(video))));
                List<Long> samples = heap.stop();
                report.failures().forEach(f -> System.out.println("FAILED " + f));
                double minutesOfVideo = segmentation.durationMs() / 60000.0;
                int vectors = store.get("long").map(r -> r.segments().size()).orElse(0);
                videoSecondsPerSecond = segmentation.durationMs() / 1000.0 / (report.elapsed().toMillis() / 1000.0);
                double longPerMin = vectors / minutesOfVideo;
                FfmpegVideoSegmenter uniform = uniform(keyframes.resolve("uniform"));
                double longUniformPerMin = uniform.segment(VideoContent.of(video)).segments().size() / minutesOfVideo;
                System.out.printf(Locale.ROOT, "%nindexing %.1f min of video: %.1f s, %.1f s of video per s, %d vectors "
                        + "(%.1f/min; uniform 1 fps: %.1f/min, %.1fx more)%n", minutesOfVideo,
                        report.elapsed().toMillis() / 1000.0, videoSecondsPerSecond, vectors, longPerMin,
                        longUniformPerMin, longUniformPerMin / longPerMin);
                System.out.printf(Locale.ROOT, "heap used (MiB) at 25%% / 50%% / 75%% / 100%% of the run: %s; peak %d%n",
                        quarters(samples), samples.stream().mapToLong(Long::longValue).max().orElse(0) >> 20);
            }
            // 3. moment recall on the labelled set
            Labelled shots = recall(encoder, labelled, FfmpegVideoSegmenter.builder()
                    .keyframeDirectory(work.resolve("keyframes-labelled")).build(), MultimodalRag.DEFAULT_DUPLICATE_COSINE);
            Labelled plain = recall(encoder, labelled, uniform(work.resolve("keyframes-labelled-uniform")), 2);
            double ours = shots.recallAt5();
            double uniformRecall = plain.recallAt5();
            System.out.printf(Locale.ROOT, "%n%-36s %14s %16s%n", "labelled set " + labelled.getFileName(),
                    "vectors/min", "moment recall@5");
            System.out.printf(Locale.ROOT, "%-36s %14.1f %16.4f%n", "shots (defaults)", shots.vectorsPerMinute(), ours);
            System.out.printf(Locale.ROOT, "%-36s %14.1f %16.4f%n", "uniform 1 frame/s, all kept",
                    plain.vectorsPerMinute(), uniformRecall);
            System.out.println("(RESULT's vectors per minute are the labelled set's: the long video loops the same"
                    + " clips, so its repeats are dropped as near-duplicates and its figure above is lower than new"
                    + " footage would give)");
            vectorsPerMin = shots.vectorsPerMinute();
            uniformPerMin = plain.vectorsPerMinute();
            System.out.println("note: the machine is shared with other builds; timings are noisy, ratios less so");
            System.out.printf(Locale.ROOT, "RESULT video_s_per_s=%.2f decode_fps=%.1f ffmpeg_cli_fps=%.1f "
                    + "vectors_per_min=%.1f uniform_vectors_per_min=%.1f moment_recall@5=%.4f "
                    + "uniform_moment_recall@5=%.4f%n", videoSecondsPerSecond, decodeFps, cliFps, vectorsPerMin,
                    uniformPerMin, ours, uniformRecall);
        }
    }

    private static FfmpegVideoSegmenter uniform(Path keyframes) {
        return FfmpegVideoSegmenter.builder().keyframeDirectory(keyframes).maxSegmentMs(1000)
                .minShotMs(Long.MAX_VALUE / 4).keyframeDelayMs(0).minDetail(0).build();
    }

    /** Moment recall@5 on the labelled set and its vectors per minute of video. */
    private record Labelled(double recallAt5, double vectorsPerMinute) {
    }

    private static Labelled recall(ClipOnnxEncoder encoder, Path labelled, FfmpegVideoSegmenter segmenter,
            double duplicateCosine) {
        ExactVectorStore store = new ExactVectorStore(encoder.dimension(), Metric.COSINE);
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).segmenter(segmenter)
                .duplicateCosine(duplicateCosine)
                .retriever(DefaultRetriever.builder(encoder, store).momentsPerItem(5).build()).build();
        List<Item> items = VideoFolder.load(labelled).items();
        rag.index(items);
        long vectors = 0;
        long durationMs = 0;
        for (Item item : items) {
            vectors += store.get(item.id()).map(r -> r.segments().size()).orElse(0);
            // the clip's length, as the uniform segmenter cuts it (its last segment ends with the last frame)
            Segmentation whole = uniform(segmenter.keyframeDirectory().resolve("length")).segment(item.contents().get(0));
            durationMs += whole.durationMs();
        }
        double recall = MomentEvaluation.run(rag, labelled.resolve("queries.jsonl"), items.size(), 5).recallAt5();
        return new Labelled(recall, vectors * 60000.0 / durationMs);
    }

    /** Makes (once) the long 1080p video from the labelled clips. */
    private static Path longVideo(Path labelled, Path work, int minutes) throws IOException, InterruptedException {
        Path video = work.resolve("long-" + minutes + "min-1080p.mp4");
        if (Files.exists(video)) {
            return video;
        }
        Path base = work.resolve("labelled-1080p.mp4");
        if (!Files.exists(base)) {
            List<String> args = new ArrayList<>();
            StringBuilder graph = new StringBuilder();
            List<Path> clips = VideoFolder.load(labelled).items().stream()
                    .map(i -> ((VideoContent) i.contents().get(0)).path()).toList();
            for (int i = 0; i < clips.size(); i++) {
                args.addAll(List.of("-i", clips.get(i).toString()));
                graph.append("[").append(i).append(":v]scale=1920:1080:force_original_aspect_ratio=decrease,")
                        .append("pad=1920:1080:(ow-iw)/2:(oh-ih)/2,fps=25,setsar=1,format=yuv420p[v").append(i).append("];");
            }
            for (int i = 0; i < clips.size(); i++) {
                graph.append("[v").append(i).append("]");
            }
            graph.append("concat=n=").append(clips.size()).append(":v=1:a=0[out]");
            args.addAll(List.of("-filter_complex", graph.toString(), "-map", "[out]", "-c:v", "libx264", "-preset",
                    "veryfast", "-crf", "23", base.toString()));
            run(args);
        }
        run(List.of("-stream_loop", "-1", "-i", base.toString(), "-t", String.valueOf(minutes * 60), "-c", "copy",
                video.toString()));
        return video;
    }

    private static boolean ffmpegInstalled() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static double cliSeconds(Path video) throws IOException, InterruptedException {
        long start = System.nanoTime();
        run(List.of("-i", video.toString(), "-f", "null", "-"));
        return (System.nanoTime() - start) / 1e9;
    }

    private static void run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed: " + command + "\n" + log);
        }
    }

    private static String quarters(List<Long> samples) {
        if (samples.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (int q = 1; q <= 4; q++) {
            int at = Math.min(samples.size() - 1, samples.size() * q / 4 - (q == 4 ? 1 : 0));
            s.append(q == 1 ? "" : " / ").append(samples.get(Math.max(0, at)) >> 20);
        }
        return s.toString();
    }

    /** Samples the used heap every 200 ms. */
    private static final class HeapSampler {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private ScheduledExecutorService timer;

        void start() {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "heap-sampler");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(() -> {
                samples.add(memory.getHeapMemoryUsage().getUsed());
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        List<Long> stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            return new ArrayList<>(samples);
        }
    }

}
