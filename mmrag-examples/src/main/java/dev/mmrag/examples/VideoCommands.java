package dev.mmrag.examples;

import dev.mmrag.api.Encoder;
import dev.mmrag.api.Generator;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.core.DefaultRetriever;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.CommandLine.UsageException;
import dev.mmrag.ffmpeg.FfmpegVideoSegmenter;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Style Finder's video options: {@code --videos DIR} for {@code find} and {@code serve} (the videos are
 * indexed next to the catalogue, and a hit that is a video lists its moments), and
 * {@code eval --videos DIR --queries FILE [--k 5]}, which indexes only the videos and scores moments (see
 * {@link MomentEvaluation}). Options: {@code --keyframes DIR} (where keyframe JPEGs go, default
 * {@code <tmp>/mmrag-keyframes}), {@code --max-segment SECONDS} (default 8), {@code --duplicate-cosine C}
 * (default {@value MultimodalRag#DEFAULT_DUPLICATE_COSINE}), {@code --uniform} (the baseline: one frame a second,
 * every frame kept).
 *
 * <p>Thread-safety: stateless.
 */
final class VideoCommands {

    /** The options this class reads. */
    static final Set<String> OPTIONS = Set.of("videos", "keyframes", "max-segment", "duplicate-cosine");
    /** The switches this class reads. */
    static final Set<String> SWITCHES = Set.of("uniform");

    static final String USAGE = String.join("\n",
            "Videos:",
            "  style-finder find  ... --videos DIR      also index the videos in DIR; video hits list their moments",
            "  style-finder serve ... --videos DIR      also index the videos in DIR; the page shows video moments",
            "  (index --videos is not available yet: the saved HNSW index does not hold videos)",
            "  style-finder eval  --videos DIR --queries FILE [--k 5]",
            "                     index only the videos in DIR and score moment recall@1/@5 and MRR for the",
            "                     labelled queries in FILE ({\"text\"|\"image\": ..., \"moments\": [{\"video\", \"start\", \"end\"}]})",
            "  --keyframes DIR         where keyframe JPEGs are written (default: <tmp>/mmrag-keyframes)",
            "  --max-segment SECONDS   a keyframe at least this often inside a long shot (default 8)",
            "  --duplicate-cosine C    merge a keyframe this similar to the previous kept one (default 0.95)",
            "  --uniform               baseline: one frame a second, no shot detection, nothing merged",
            "  DIR may hold videos.jsonl: one {\"file\": \"clip.mp4\", \"title\": ...} a line, files inside DIR only.",
            "");

    private VideoCommands() {
    }

    /** @return the segmenter the options ask for */
    static FfmpegVideoSegmenter segmenter(CommandLine line) {
        FfmpegVideoSegmenter.Builder builder = FfmpegVideoSegmenter.builder();
        Path keyframes = line.path("keyframes", null);
        if (keyframes != null) {
            builder.keyframeDirectory(keyframes);
        }
        if (line.has("uniform")) {
            return uniform(builder, 1000);
        }
        if (line.get("max-segment") != null) {
            builder.maxSegmentMs(Math.round(number(line, "max-segment") * 1000));
        }
        return builder.build();
    }

    /**
     * @param builder a builder with the keyframe folder set
     * @param periodMs the sampling period
     * @return a segmenter that keeps one frame every {@code periodMs}, with no shot detection
     */
    static FfmpegVideoSegmenter uniform(FfmpegVideoSegmenter.Builder builder, long periodMs) {
        return builder.maxSegmentMs(periodMs).minShotMs(Long.MAX_VALUE / 4).keyframeDelayMs(0).minDetail(0).build();
    }

    /** @return the duplicate cosine the options ask for (above 1 for {@code --uniform}: nothing merged) */
    static double duplicateCosine(CommandLine line) {
        if (line.has("uniform")) {
            return 2;
        }
        return line.get("duplicate-cosine") == null ? MultimodalRag.DEFAULT_DUPLICATE_COSINE
                : number(line, "duplicate-cosine");
    }

    private static double number(CommandLine line, String name) {
        try {
            return Double.parseDouble(line.get(name));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + line.get(name) + "'");
        }
    }

    /**
     * Indexes the videos of {@code --videos DIR} through the pipeline and reports what happened on {@code err}.
     *
     * @return the report
     */
    static IndexReport indexVideos(MultimodalRag rag, Path folder, PrintStream err) {
        VideoFolder videos = VideoFolder.load(folder);
        IndexReport report = rag.index(videos.items());
        long segments = 0;
        for (var item : videos.items()) {
            segments += rag.store().get(item.id()).map(VectorRecord::segments).map(java.util.List::size).orElse(0);
        }
        err.println("Indexed " + report.indexed() + " of " + report.total() + " videos from " + videos.folder()
                + " as " + segments + " moments in "
                + String.format(Locale.ROOT, "%.1f", report.elapsed().toMillis() / 1000.0) + " s");
        for (ItemFailure failure : report.failures()) {
            err.println("  skipped " + failure);
        }
        for (String warning : report.warnings()) {
            err.println("  warning: " + warning);
        }
        return report;
    }

    /** Indexes the catalogue into a store (the Style Finder's own indexing). */
    interface CatalogueIndexer {
        /**
         * @param line the command line
         * @param encoder the encoder
         * @param store the store to fill
         */
        void index(CommandLine line, ClipOnnxEncoder encoder, VectorStore store);
    }

    /**
     * {@code find ... --videos DIR}: indexes the catalogue and the videos into one exact store (the HNSW store does
     * not hold videos yet), so that one query ranks products and video moments together, and prints the answer.
     *
     * @return the exit code
     */
    static int find(CommandLine line, ClipOnnxEncoder encoder, Generator generator, Query query,
            CatalogueIndexer catalogue, Consumer<MultimodalRag> print, PrintStream err) {
        if (line.get("index") != null) {
            throw new UsageException("find --videos indexes the catalogue itself; --index FILE (an HNSW store, which"
                    + " does not hold videos yet) cannot be combined with it");
        }
        try (ExactVectorStore store = new ExactVectorStore(encoder.dimension(), Metric.COSINE)) {
            catalogue.index(line, encoder, store);
            MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).generator(generator)
                    .segmenter(AudioCommands.withSoundTrack(line, encoder, segmenter(line)))
                    .duplicateCosine(duplicateCosine(line)).build();
            indexVideos(rag, line.path("videos", null), err);
            print.accept(rag);
            return 0;
        }
    }

    /**
     * {@code eval --videos DIR --queries FILE [--k 5]}.
     *
     * @return the exit code
     */
    static int eval(CommandLine line, Encoder encoder, VectorStore store, PrintStream out, PrintStream err) {
        Path folder = line.path("videos", null);
        Path queries = line.path("queries", null);
        if (queries == null) {
            throw new UsageException("eval --videos DIR needs --queries FILE");
        }
        int k = line.integer("k", 5, 1);
        dev.mmrag.api.Segmenter segmenter = AudioCommands.withSoundTrack(line, encoder, segmenter(line));
        double duplicateCosine = duplicateCosine(line);
        java.util.concurrent.atomic.AtomicLong durationMs = new java.util.concurrent.atomic.AtomicLong();
        dev.mmrag.api.Segmenter measuring = new dev.mmrag.api.Segmenter() {
            @Override
            public Set<dev.mmrag.api.Modality> modalities() {
                return segmenter.modalities();
            }

            @Override
            public dev.mmrag.api.Segmentation segment(dev.mmrag.api.Content content) {
                dev.mmrag.api.Segmentation segmentation = segmenter.segment(content);
                durationMs.addAndGet(segmentation.durationMs());
                return segmentation;
            }
        };
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).segmenter(measuring)
                .duplicateCosine(duplicateCosine)
                .retriever(DefaultRetriever.builder(encoder, store).momentsPerItem(Math.max(5, k)).build()).build();
        IndexReport report = indexVideos(rag, folder, err);
        if (report.indexed() == 0) {
            throw new InvalidInputException("no video of " + folder + " could be indexed");
        }
        long vectors = 0;
        for (var item : VideoFolder.load(folder).items()) {
            vectors += store.get(item.id()).map(r -> r.segments().size()).orElse(0);
        }
        MomentEvaluation evaluation = MomentEvaluation.run(rag, queries, report.indexed(), k);
        out.println("model        " + encoder);
        out.println("videos       " + folder + " (" + report.indexed() + " indexed, "
                + String.format(Locale.ROOT, "%.1f", durationMs.get() / 60000.0) + " min)");
        out.println("queries      " + queries);
        out.println("segmenter    " + segmenter + ", duplicateCosine=" + duplicateCosine);
        out.println(String.format(Locale.ROOT, "vectors      %d (%.1f per minute of video)", vectors,
                durationMs.get() == 0 ? 0 : vectors * 60000.0 / durationMs.get()));
        out.println(evaluation);
        out.println(evaluation.resultLine());
        return 0;
    }
}
