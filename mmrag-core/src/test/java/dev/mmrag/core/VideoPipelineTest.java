package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Content;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.Keyframe;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Moment;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.TimeSpan;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VideoContent;
import dev.mmrag.test.KeywordTestEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with video items: a segmenter that reads a "script" file (one line per shot:
 * {@code startMs endMs words}) stands in for FFmpeg, writing each shot's keyframe as a test image file, so that
 * the pipeline's part (embedding segments, merging near-duplicates, storing one record, citing and attaching
 * moments) is tested with the deterministic {@link KeywordTestEncoder}. FFmpeg decoding is tested in
 * mmrag-ffmpeg.
 */
class VideoPipelineTest {

    @TempDir
    Path dir;

    /** Cuts a script file into segments whose keyframes are test images with the shot's words. */
    static final class ScriptSegmenter implements Segmenter {
        private final Path keyframes;

        ScriptSegmenter(Path keyframes) {
            this.keyframes = keyframes;
        }

        @Override
        public Set<Modality> modalities() {
            return Set.of(Modality.VIDEO);
        }

        @Override
        public Segmentation segment(Content content) {
            Path script = ((VideoContent) content).path();
            try {
                List<Segment> segments = new ArrayList<>();
                List<String> warnings = new ArrayList<>();
                long end = 0;
                for (String line : Files.readAllLines(script)) {
                    if (line.startsWith("!")) {
                        warnings.add(line.substring(1));
                        continue;
                    }
                    String[] parts = line.split(" ", 3);
                    TimeSpan span = new TimeSpan(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                    Path keyframe = keyframes.resolve(script.getFileName() + "-" + span.startMs() + ".jpg");
                    Files.write(keyframe, KeywordTestEncoder.imageBytes(parts[2]));
                    segments.add(new Segment(span, ImageContent.of(keyframe), new Keyframe(keyframe.toString(), span.startMs())));
                    end = span.endMs();
                }
                return new Segmentation(segments, warnings, end);
            } catch (IOException e) {
                throw new InvalidInputException(content.describe() + " cannot be read: " + e.getMessage(), e);
            }
        }
    }

    private Path video(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    private MultimodalRag rag(ExactVectorStore store) {
        KeywordTestEncoder encoder = new KeywordTestEncoder();
        return MultimodalRag.builder().encoder(encoder).store(store).segmenter(new ScriptSegmenter(dir)).build();
    }

    @Test
    void aVideoIsOneItemFoundAtItsMomentAndRankedWithImages() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = rag(store);
        Path lookbook = video("lookbook.mp4", "0 4000 studio white wall", "4000 12000 blue denim jacket",
                "12000 17000 red striped hat", "17000 25000 green wool scarf");
        IndexReport report = rag.index(List.of(Item.builder("lookbook").content(VideoContent.of(lookbook))
                .metadata("title", "Autumn lookbook").build(),
                Item.of("sku-hat", KeywordTestEncoder.image("red striped hat"))));
        assertThat(report.failures()).isEmpty();
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.get("lookbook").orElseThrow().segments()).hasSize(4);

        List<Retrieved> found = rag.retrieve(Query.builder().text("red striped hat").topK(2).build());
        assertThat(found).extracting(Retrieved::id).containsExactlyInAnyOrder("lookbook", "sku-hat");
        Retrieved video = found.stream().filter(r -> r.id().equals("lookbook")).findFirst().orElseThrow();
        assertThat(video.moments()).hasSize(3);
        assertThat(video.moments().get(0).span()).isEqualTo(new TimeSpan(12000, 17000));
        assertThat(video.score()).isEqualTo(video.moments().get(0).score());
        assertThat(video.videoName()).contains("lookbook.mp4");

        Answer answer = rag.ask(Query.builder().text("red striped hat").topK(2).build());
        assertThat(answer.text()).contains("seen in lookbook.mp4 at 0:12-0:17 (score 1.00)");
    }

    @Test
    void thePromptCitesTheMomentAndAttachesItsKeyframeWithinTheCap() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = rag(store);
        for (int v = 0; v < 4; v++) {
            rag.index(List.of(Item.of("clip-" + v, VideoContent.of(video("clip" + v + ".mp4",
                    "0 3000 plain grey backdrop " + v, "3000 9000 red striped hat " + v)))));
        }
        Prompt prompt = rag.prompt(Query.builder().text("red striped hat").topK(4).build());
        assertThat(prompt.user()).contains("moment: clip").contains(" at 0:03-0:09 (score ");
        assertThat(prompt.user()).doesNotContain(Item.VIDEO_REF_KEY);
        assertThat(prompt.images()).hasSize(DefaultAugmenter.DEFAULT_MAX_IMAGES);
        for (ImageContent image : prompt.images()) {
            assertThat(image.path().orElseThrow().getFileName().toString()).endsWith("-3000.jpg");
            assertThat(image.mediaType()).contains("image/jpeg");
        }
    }

    @Test
    void nearDuplicateSegmentsMergeIntoTheFirstAndTheSpanGrows() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = rag(store);
        rag.index(List.of(Item.of("v", VideoContent.of(video("v.mp4", "0 5000 red striped hat",
                "5000 10000 red striped hat", "10000 15000 red striped hat", "15000 20000 blue shoes")))));
        VectorRecord stored = store.get("v").orElseThrow();
        assertThat(stored.segments()).extracting(s -> s.span())
                .containsExactly(new TimeSpan(0, 15000), new TimeSpan(15000, 20000));
        assertThat(stored.segments().get(0).keyframe().reference()).endsWith("v.mp4-0.jpg");
        assertThat(stored.metadata().get(Item.VIDEO_REF_KEY)).isEqualTo(dir.resolve("v.mp4").toAbsolutePath().toString());
    }

    @Test
    void aShotSeenAgainLaterIsDroppedAndItsFirstMomentStandsForIt() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = rag(store);
        rag.index(List.of(Item.of("v", VideoContent.of(video("v.mp4", "0 5000 white studio wall",
                "5000 10000 red striped hat", "10000 15000 white studio wall", "15000 20000 blue shoes")))));
        assertThat(store.get("v").orElseThrow().segments()).extracting(s -> s.span())
                .containsExactly(new TimeSpan(0, 5000), new TimeSpan(5000, 10000), new TimeSpan(15000, 20000));
    }

    @Test
    void reindexingAReCutVideoLeavesNoStaleMoments() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = rag(store);
        Path file = video("v.mp4", "0 5000 red hat", "5000 10000 blue shoes", "10000 15000 yellow bag");
        rag.index(List.of(Item.of("v", VideoContent.of(file))));
        Files.write(file, List.of("0 5000 red hat"));
        rag.index(List.of(Item.of("v", VideoContent.of(file))));
        List<Retrieved> found = rag.retrieve(Query.builder().text("yellow bag").topK(5).build());
        assertThat(found).hasSize(1);
        assertThat(found.get(0).moments()).extracting(Moment::span).containsExactly(new TimeSpan(0, 5000));
    }

    @Test
    void aBadVideoFailsAloneKeepsWhatWasIndexedAndWarningsAreReported() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = rag(store);
        rag.index(List.of(Item.of("v", VideoContent.of(video("v.mp4", "0 5000 red hat")))));
        IndexReport report = rag.index(List.of(Item.of("v", VideoContent.of(dir.resolve("missing.mp4"))),
                Item.of("w", VideoContent.of(video("w.mp4", "!corrupt packet at 0:03", "0 5000 blue shoes")))));
        assertThat(report.failures()).hasSize(1);
        assertThat(report.failures().get(0).id()).isEqualTo("v");
        assertThat(report.failures().get(0).message()).contains("missing.mp4");
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("item 'w'").contains("corrupt packet"));
        assertThat(store.get("v").orElseThrow().segments()).hasSize(1);
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void aVideoWithoutASegmenterFailsNamingTheItemAndTheFix() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        MultimodalRag rag = MultimodalRag.builder().encoder(new KeywordTestEncoder()).store(store).build();
        IndexReport report = rag.index(List.of(Item.of("v", VideoContent.of(video("v.mp4", "0 5000 red hat"))),
                Item.of("img", KeywordTestEncoder.image("red hat"))));
        assertThat(report.failures()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("item 'v'").contains("no segmenter"));
        assertThat(store.get("img")).isPresent();
    }

    @Test
    void momentsPerItemIsConfigurableOnTheRetriever() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        KeywordTestEncoder encoder = new KeywordTestEncoder();
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).segmenter(new ScriptSegmenter(dir))
                .retriever(DefaultRetriever.builder(encoder, store).momentsPerItem(1).build()).build();
        rag.index(List.of(Item.of("v", VideoContent.of(video("v.mp4", "0 1000 red hat", "1000 2000 blue shoes",
                "2000 3000 red hat blue shoes")))));
        assertThat(rag.retrieve(Query.ofText("red hat")).get(0).moments()).hasSize(1);
    }
}
