package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Moment;
import dev.mmrag.api.MomentKind;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.VideoContent;
import dev.mmrag.core.CompositeSegmenter;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.ffmpeg.FfmpegAudioSegmenter;
import dev.mmrag.ffmpeg.FfmpegVideoSegmenter;
import dev.mmrag.langchain4j.OpenAiTranscriber;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.test.TranscriptionStandIn;
import dev.mmrag.test.TranscriptionStandIn.Line;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: two generated videos (ffmpeg's synthetic picture, narration by espeak-ng put at a known time), cut by
 * FFmpeg into shots and sound-track passages, the speech sent by {@link OpenAiTranscriber} over HTTP to
 * {@link TranscriptionStandIn} (<b>no speech model runs there</b>: it decodes the upload and answers with the
 * narration the test placed), embedded by the real mini-clip model; a text query naming the product finds the
 * video at the narrated time as a spoken moment, and the template answer quotes it.
 */
class SpokenVideoEndToEndTest {

    @TempDir
    Path dir;

    private Path narrated(String name, String text, long atMs) {
        Path speech = run(dir.resolve(name + ".wav"), "espeak-ng", "-w", dir.resolve(name + ".wav").toString(), text);
        Path video = dir.resolve(name + ".mp4");
        return run(video, "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=10:duration=12", "-i", speech.toString(), "-filter_complex",
                "[1:a]adelay=" + atMs + "|" + atMs + ",apad[a]", "-map", "0:v", "-map", "[a]", "-t", "12", "-c:v",
                "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", video.toString());
    }

    @Test
    void aNarratedProductIsFoundByTextAtTheNarratedTime() throws IOException {
        String harbor = "this is the red striped t-shirt by Harbor and Pine";
        String coat = "and here a navy wool coat with horn buttons";
        Path v1 = narrated("tshirt", harbor, 5000);
        Path v2 = narrated("coat", coat, 2000);
        // both narrations are scripted at their times; in each video's upload the other's span is silent, so the
        // stand-in hears only the video's own
        List<Line> script = List.of(new Line(2000, 4500, coat), new Line(5000, 8000, harbor));
        try (TranscriptionStandIn server = TranscriptionStandIn.start(script, null);
                ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Assets.miniClip()).build();
                ExactVectorStore store = new ExactVectorStore(clip.dimension(), Metric.COSINE)) {
            OpenAiTranscriber transcriber = OpenAiTranscriber.builder(server.baseUrl()).apiKey("sk-e2e").build();
            FfmpegAudioSegmenter audio = FfmpegAudioSegmenter.builder(transcriber)
                    .tokens(clip.maxTextTokens(), clip::countTextTokens).build();
            FfmpegVideoSegmenter video = FfmpegVideoSegmenter.builder().keyframeDirectory(dir.resolve("keyframes")).build();
            MultimodalRag rag = MultimodalRag.builder().encoder(clip).store(store)
                    .segmenter(CompositeSegmenter.of(video, audio)).build();

            IndexReport report = rag.index(List.of(Item.of("tshirt-video", VideoContent.of(v1)),
                    Item.of("coat-video", VideoContent.of(v2))));
            assertThat(report.failures()).isEmpty();

            // the source's duration as the ffmpeg CLI decodes its sound track (AAC adds ~27 ms of padding to 12 s)
            double sourceMs = cliDecodedMs(v1);
            assertThat(sourceMs).isCloseTo(cliDecodedMs(v2), offset(1.0));
            assertThat(server.uploads()).hasSize(2).allSatisfy(u -> {
                assertThat(u.sampleRate()).isEqualTo(16_000);
                assertThat(u.channels()).isEqualTo(1);
                assertThat(u.durationMs()).isCloseTo(sourceMs, offset(20.0));
                assertThat(u.fileBytes()).isLessThan(12 * 32_000 + 1000); // a compact WAV, not the video
            });

            Query query = Query.builder().text("red striped t-shirt by Harbor and Pine").topK(2).build();
            List<Retrieved> found = rag.retrieve(query);
            assertThat(found.get(0).id()).isEqualTo("tshirt-video");
            Moment best = found.get(0).moments().get(0);
            assertThat(best.kind()).isEqualTo(MomentKind.SPOKEN);
            assertThat(best.span().contains(5000, 500)).isTrue();
            assertThat(best.words()).contains("Harbor and Pine");
            assertThat(found.get(0).moments()).anySatisfy(m -> assertThat(m.kind()).isEqualTo(MomentKind.VISUAL));

            Answer answer = rag.ask(query);
            assertThat(answer.text()).contains("heard in tshirt.mp4 at 0:05: '" + harbor + "'");
        }
    }

    /** How long the file's sound lasts as the ffmpeg CLI decodes it to 16 kHz mono 16-bit, in milliseconds. */
    private static double cliDecodedMs(Path file) throws IOException {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-i", file.toString(), "-vn", "-ac",
                "1", "-ar", "16000", "-f", "s16le", "-").start();
        long bytes = p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        try {
            assertThat(p.waitFor()).isZero();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return bytes / 32.0;
    }

    private static Path run(Path output, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(List.of(command) + " failed:\n" + log);
            }
            return output;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e, e);
        }
    }
}
