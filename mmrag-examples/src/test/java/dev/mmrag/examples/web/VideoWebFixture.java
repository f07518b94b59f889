package dev.mmrag.examples.web;

import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.examples.Assets;
import dev.mmrag.examples.Catalog;
import dev.mmrag.examples.VideoFolder;
import dev.mmrag.ffmpeg.FfmpegVideoSegmenter;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What the video web tests serve, as {@code serve --videos} builds it: the real mini-clip model, one exact store
 * holding 40 products of the bundled catalogue and two of the bundled labelled videos ({@code v01.mp4}, where a
 * black checked hat is seen at 0:02-0:06, and {@code v03.webm}), decoded and cut into moments by the real FFmpeg
 * segmenter, with their keyframe JPEGs in a temporary folder.
 *
 * <p>Thread-safety: built once per test class; the parts are safe for concurrent use.
 */
final class VideoWebFixture implements AutoCloseable {

    static final String HAT_VIDEO = "video:v01.mp4";

    final ClipOnnxEncoder encoder;
    final ExactVectorStore store;
    final Catalog catalog;
    final VideoFolder videos;
    final MultimodalRag rag;
    final Path folder;
    final List<String> log = new CopyOnWriteArrayList<>();

    VideoWebFixture() {
        try {
            folder = Files.createTempDirectory("style-finder-video-web-");
            Path source = Assets.root().resolve("data/style-videos");
            Path clips = Files.createDirectory(folder.resolve("videos"));
            for (String name : List.of("v01.mp4", "v03.webm")) {
                Files.copy(source.resolve(name), clips.resolve(name));
            }
            Files.writeString(clips.resolve("videos.jsonl"), "{\"file\": \"v01.mp4\", \"title\": \"Lookbook clip 1\"}\n"
                    + "{\"file\": \"v03.webm\", \"title\": \"Lookbook clip 3\"}\n");
            Catalog bundled = Catalog.load(Assets.styleCatalog());
            catalog = new Catalog(bundled.folder(), new ArrayList<>(bundled.items().subList(0, 40)));
            videos = VideoFolder.load(clips);
            encoder = ClipOnnxEncoder.builder(Assets.miniClip()).build();
            store = new ExactVectorStore(encoder.dimension(), Metric.COSINE);
            rag = MultimodalRag.builder().encoder(encoder).store(store).generator(TemplateGenerator.create())
                    .segmenter(FfmpegVideoSegmenter.builder().keyframeDirectory(folder.resolve("keyframes")).build())
                    .build();
            List<Item> items = new ArrayList<>(catalog.items());
            items.addAll(videos.items());
            var report = rag.index(items);
            if (report.indexed() != items.size()) {
                throw new IllegalStateException("the fixture did not index everything: " + report.failures());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param options the options (use port 0)
     * @return a running server with the videos, whose log lines are collected in {@link #log}
     */
    StyleFinderServer serve(ServerOptions options) {
        return StyleFinderServer.start(rag, catalog, videos.items(), options, log::add);
    }

    @Override
    public void close() {
        store.close();
        encoder.close();
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary folder
        }
    }
}
