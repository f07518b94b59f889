package dev.mmrag.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.AudioContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.TranscriptSegment;
import dev.mmrag.api.Transcription;
import dev.mmrag.api.TranscriptionRequest;
import dev.mmrag.api.VideoContent;
import dev.mmrag.test.ScriptedTranscriber;
import dev.mmrag.test.TranscriptionStandIn.Line;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FfmpegAudioSegmenter} with a {@link ScriptedTranscriber}: <b>no speech model runs</b>; the transcriber
 * finds each uploaded piece in the source by its samples and answers with the lines the test placed there.
 */
class FfmpegAudioSegmenterTest {

    /** OpenAI's 25 MB upload limit as a 16 kHz mono 16-bit WAV piece, as OpenAiTranscriber computes it. */
    static final long OPENAI_PIECE_MS = (25L * 1024 * 1024 - 4096 - 44) * 1000 / 32_000;

    @TempDir
    Path dir;

    @Test
    void fortyMinutesAreCutUnderTheUploadLimitAtSilencesWithTimesOnTheWholeFileAndNoTextTwice() throws Exception {
        List<String> texts = List.of("the red striped t-shirt", "a navy wool coat with horn buttons",
                "white canvas sneakers", "a yellow raincoat for the city", "linen trousers in sand",
                "the black leather belt");
        List<short[]> phrases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            phrases.add(TestAudio.wavSamples(TestAudio.speak(dir.resolve("p" + i + ".wav"), texts.get(i))));
        }
        Path file = dir.resolve("forty.wav");
        // speech all along with short pauses, and a minute of silence now and then
        List<Line> script = TestAudio.composeLong(file, phrases, texts,
                new long[] {400, 650, 500, 700, 450, 600, 550, 60_000}, 40 * 60_000);
        FfmpegAudioDecoder decoder = FfmpegAudioDecoder.create();
        short[] source = new short[(int) (40 * 60 * 16_000 + 16_000)];
        int[] n = {0};
        decoder.decode(AudioContent.of(file), (s, c) -> {
            System.arraycopy(s, 0, source, n[0], c);
            n[0] += c;
        });
        assertThat(n[0] * 1000L / 16_000).isBetween(40 * 60_000L - 20, 40 * 60_000L + 20);
        ScriptedTranscriber transcriber = new ScriptedTranscriber(script, java.util.Arrays.copyOf(source, n[0]),
                OPENAI_PIECE_MS);
        // a 3 s overlap puts whole utterances into two pieces, so the owner rule is what keeps them single
        FfmpegAudioSegmenter segmenter = FfmpegAudioSegmenter.builder(transcriber).maxPieceMs(Long.MAX_VALUE)
                .overlapMs(3000).build();

        Transcription transcript = segmenter.transcript(AudioContent.of(file));

        List<TranscriptionRequest> pieces = transcriber.requests();
        assertThat(pieces).hasSizeGreaterThanOrEqualTo(3);
        assertThat(pieces).allSatisfy(p -> assertThat(p.durationMs()).isLessThanOrEqualTo(OPENAI_PIECE_MS));
        Map<String, TranscriptSegment> byText = transcript.segments().stream()
                .collect(Collectors.toMap(TranscriptSegment::text, Function.identity())); // throws on a duplicate
        assertThat(byText).hasSize(script.size());
        for (Line line : script) {
            TranscriptSegment heard = byText.get(line.text());
            assertThat(heard.startMs()).as(line.text()).isBetween(line.startMs() - 20, line.startMs() + 20);
            assertThat(heard.endMs()).as(line.text()).isBetween(line.endMs() - 20, line.endMs() + 20);
        }
    }

    @Test
    void windowsFitTheTokenBudgetAndKeepEveryWord() throws Exception {
        Path speech = TestAudio.speak(dir.resolve("s.wav"), "hello there, this sentence lasts a few seconds");
        List<Line> script = new ArrayList<>();
        StringBuilder longLine = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            longLine.append("word").append(i).append(' ');
        }
        script.add(new Line(0, 500, "short one"));
        script.add(new Line(600, 1000, "short two"));
        script.add(new Line(1050, 1500, longLine.toString().strip()));
        FfmpegAudioSegmenter segmenter = FfmpegAudioSegmenter.builder(new ScriptedTranscriber(script, null, 600_000))
                .tokens(20, FfmpegAudioSegmenter::estimateClipTokens).build();

        Segmentation s = segmenter.segment(AudioContent.of(speech));

        List<String> texts = s.segments().stream().map(seg -> ((TextContent) seg.content()).text()).toList();
        assertThat(texts.get(0)).isEqualTo("short one short two");
        assertThat(texts).allSatisfy(t -> assertThat(FfmpegAudioSegmenter.estimateClipTokens(t)).isLessThanOrEqualTo(20));
        assertThat(String.join(" ", texts)).isEqualTo("short one short two " + longLine.toString().strip());
        assertThat(s.segments()).allSatisfy(seg -> assertThat(seg.keyframe()).isNull());
        for (int i = 1; i < s.segments().size(); i++) {
            assertThat(s.segments().get(i).span().startMs()).isGreaterThanOrEqualTo(s.segments().get(i - 1).span().endMs());
        }
        Segment last = s.segments().get(s.segments().size() - 1);
        assertThat(last.span().endMs()).isEqualTo(1500);
    }

    @Test
    void aSilentFileGivesNoSegmentsAndAVideoWithoutSoundNone() {
        Path silent = TestAudio.run(dir.resolve("silent.wav"), "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f",
                "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "5", dir.resolve("silent.wav").toString());
        ScriptedTranscriber transcriber = new ScriptedTranscriber(List.of(), null, 600_000);
        FfmpegAudioSegmenter segmenter = FfmpegAudioSegmenter.builder(transcriber).build();
        Segmentation s = segmenter.segment(AudioContent.of(silent));
        assertThat(s.segments()).isEmpty();
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("no speech was heard"));
        assertThat(s.durationMs()).isBetween(4980L, 5020L);
        assertThat(transcriber.requests()).isEmpty();

        Path mute = TestAudio.run(dir.resolve("mute.mp4"), "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f",
                "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                dir.resolve("mute.mp4").toString());
        Segmentation v = segmenter.segment(VideoContent.of(mute));
        assertThat(v.segments()).isEmpty();
        assertThat(v.warnings()).anySatisfy(w -> assertThat(w).contains("has no audio stream"));
        assertThatThrownBy(() -> segmenter.segment(AudioContent.of(mute))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no audio stream");
    }
}
