package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Answer;
import dev.mmrag.api.AudioContent;
import dev.mmrag.api.Content;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Moment;
import dev.mmrag.api.MomentKind;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.TextContent;
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
 * The pipeline with spoken segments: a segmenter that reads a transcript file ({@code startMs endMs words} a line)
 * stands in for the audio segmenter (decoding and transcription are tested in mmrag-ffmpeg and mmrag-langchain4j),
 * combined with {@link VideoPipelineTest.ScriptSegmenter} for a video's shots by {@link CompositeSegmenter}.
 */
class SpokenPipelineTest {

    @TempDir
    Path dir;

    /** Spoken segments (texts without keyframe) from a "*.said" file next to the content. */
    static final class TranscriptSegmenter implements Segmenter {
        @Override
        public Set<Modality> modalities() {
            return Set.of(Modality.AUDIO, Modality.VIDEO);
        }

        @Override
        public Segmentation segment(Content content) {
            Path file = content instanceof AudioContent ? ((AudioContent) content).path()
                    : ((VideoContent) content).path();
            Path said = file.resolveSibling(file.getFileName() + ".said");
            try {
                List<Segment> segments = new ArrayList<>();
                if (Files.exists(said)) {
                    for (String line : Files.readAllLines(said)) {
                        String[] p = line.split(" ", 3);
                        segments.add(new Segment(new TimeSpan(Long.parseLong(p[0]), Long.parseLong(p[1])),
                                new TextContent(p[2]), null));
                    }
                }
                return new Segmentation(segments, segments.isEmpty() ? List.of("no speech") : List.of(), 0);
            } catch (IOException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
        }
    }

    private MultimodalRag rag(ExactVectorStore store) {
        return MultimodalRag.builder().encoder(new KeywordTestEncoder()).store(store)
                .segmenter(CompositeSegmenter.of(new VideoPipelineTest.ScriptSegmenter(dir), new TranscriptSegmenter()))
                .build();
    }

    @Test
    void aVideoHasVisualAndSpokenMomentsAndTheAnswerQuotesWhatWasSaid() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        Path video = Files.write(dir.resolve("lookbook.mp4"), List.of("0 5000 studio white wall",
                "5000 12000 blue denim jacket"));
        Files.write(dir.resolve("lookbook.mp4.said"), List.of("42000 45000 red striped tshirt by harbor",
                "50000 53000 green wool scarf"));
        IndexReport report = rag(store).index(List.of(Item.of("lookbook", VideoContent.of(video))));
        assertThat(report.failures()).isEmpty();

        VectorRecord stored = store.get("lookbook").orElseThrow();
        assertThat(stored.segments()).hasSize(4);
        assertThat(stored.metadata().get("mmrag_spoken_text"))
                .isEqualTo(List.of("red striped tshirt by harbor", "green wool scarf"));
        assertThat(stored.metadata().get("mmrag_spoken_start_ms")).isEqualTo(List.of(42000L, 50000L));

        MultimodalRag rag = rag(store);
        Retrieved found = rag.retrieve(Query.builder().text("red striped tshirt").topK(1).build()).get(0);
        Moment best = found.moments().get(0);
        assertThat(best.kind()).isEqualTo(MomentKind.SPOKEN);
        assertThat(best.span()).isEqualTo(new TimeSpan(42000, 45000));
        assertThat(best.words()).isEqualTo("red striped tshirt by harbor");
        assertThat(found.moments()).anySatisfy(m -> assertThat(m.kind()).isEqualTo(MomentKind.VISUAL));

        Retrieved denim = rag.retrieve(Query.builder().text("blue denim jacket").topK(1).build()).get(0);
        assertThat(denim.moments().get(0).kind()).isEqualTo(MomentKind.VISUAL);
        assertThat(denim.moments().get(0).keyframe()).isNotNull();

        Prompt prompt = rag.prompt(Query.builder().text("red striped tshirt").topK(1).build());
        assertThat(prompt.user()).contains("spoken moment: lookbook.mp4 at 0:42: 'red striped tshirt by harbor'")
                .doesNotContain("mmrag_spoken");
        Answer answer = rag.ask(Query.builder().text("red striped tshirt").topK(1).build());
        assertThat(answer.text()).contains("heard in lookbook.mp4 at 0:42: 'red striped tshirt by harbor' (score");
    }

    @Test
    void anAudioItemIsIndexedByWhatIsSaidAndASilentOneIsReportedWithoutStoppingTheBatch() throws IOException {
        ExactVectorStore store = new ExactVectorStore(128, Metric.COSINE);
        Path episode = Files.write(dir.resolve("episode.mp3"), new byte[] {1});
        Files.write(dir.resolve("episode.mp3.said"), List.of("0 3000 welcome to the show",
                "3000 6000 today the yellow raincoat"));
        Path silent = Files.write(dir.resolve("silent.mp3"), new byte[] {1});
        IndexReport report = rag(store).index(List.of(Item.of("ep1", AudioContent.of(episode)),
                Item.of("quiet", AudioContent.of(silent))));
        assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.toString()).contains("quiet")
                .contains("no speech was heard"));
        assertThat(store.get("quiet")).isEmpty();

        Retrieved found = rag(store).retrieve(Query.builder().text("yellow raincoat").topK(1).build()).get(0);
        assertThat(found.id()).isEqualTo("ep1");
        assertThat(found.audio()).contains(episode.toAbsolutePath().normalize().toString());
        assertThat(found.mediaName()).contains("episode.mp3");
        assertThat(found.moments().get(0).words()).isEqualTo("today the yellow raincoat");
    }

    @Test
    void reservedSpokenKeysAreRefusedInAnItemsMetadata() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Item.builder("x").content(new TextContent("t"))
                .metadata("mmrag_spoken_text", "forged").build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("reserved");
    }
}
