package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.test.TranscriptionStandIn;
import dev.mmrag.test.TranscriptionStandIn.Line;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Style Finder's audio options with the bundled catalogue and mini-clip, speech made by espeak-ng, transcribed
 * through {@link TranscriptionStandIn} (<b>no speech model runs there</b>: it decodes each upload and answers
 * with the scripted line where the upload has sound).
 */
class StyleFinderAudioTest {

    @TempDir
    Path dir;

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
    }

    @Test
    void findByVoiceShowsWhatWasHeardAndAudioFilesGiveSpokenMoments() throws Exception {
        Path question = dir.resolve("question.wav");
        run("espeak-ng", "-w", question.toString(), "red striped t-shirt");
        Path audio = Files.createDirectories(dir.resolve("audio"));
        Path narration = dir.resolve("n.wav");
        run("espeak-ng", "-w", narration.toString(), "our podcast is about the yellow raincoat for the city");
        run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", narration.toString(), "-af", "adelay=4000",
                "-c:a", "libmp3lame", audio.resolve("episode.mp3").toString());
        Files.writeString(audio.resolve("notes.txt"), "not audio");
        List<Line> script = List.of(new Line(0, 1200, "red striped t-shirt"),
                new Line(4000, 7000, "our podcast is about the yellow raincoat for the city"));
        try (TranscriptionStandIn server = TranscriptionStandIn.start(script, null)) {
            StyleFinderTest.Run voice = StyleFinderTest.run("find", "--voice", question.toString(), "--k", "3",
                    "--transcriber", "openai", "--transcriber-url", server.baseUrl());
            assertThat(voice.exitCode()).as(voice.err()).isZero();
            assertThat(voice.out()).startsWith("Heard: \"red striped t-shirt\"")
                    .contains("Best matches for \"red striped t-shirt\"");

            StyleFinderTest.Run find = StyleFinderTest.run("find", "--text", "yellow raincoat for the city", "--k", "3",
                    "--audio", audio.toString(), "--transcriber", "openai", "--transcriber-url", server.baseUrl(),
                    "--transcriber-model", "whisper-large-v3");
            assertThat(find.exitCode()).as(find.err()).isZero();
            assertThat(find.err()).contains("Indexed 1 of 1 audio files");
            assertThat(find.out()).contains("heard in episode.mp3 at 0:04: 'our podcast is about the yellow raincoat");
            assertThat(server.uploads().get(server.uploads().size() - 1).fields())
                    .containsEntry("model", "whisper-large-v3");
        }
        StyleFinderTest.Run missing = StyleFinderTest.run("find", "--voice", question.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("need --transcriber openai");
    }

    @Test
    void evalCountsSpokenMomentsOfTheVideosSoundTracks() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Path speech = dir.resolve("s.wav");
        String said = "this is the red striped t-shirt by Harbor and Pine";
        run("espeak-ng", "-w", speech.toString(), said);
        run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=10:duration=12", "-i", speech.toString(), "-filter_complex",
                "[1:a]adelay=5000|5000,apad[a]", "-map", "0:v", "-map", "[a]", "-t", "12", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-c:a", "aac", videos.resolve("tshirt.mp4").toString());
        Path queries = Files.writeString(dir.resolve("q.jsonl"), "{\"text\": \"red striped t-shirt by Harbor and Pine\","
                + " \"moments\": [{\"video\": \"tshirt.mp4\", \"start\": 5.0, \"end\": 8.0}]}\n");
        try (TranscriptionStandIn server = TranscriptionStandIn.start(List.of(new Line(5000, 8000, said)), null)) {
            StyleFinderTest.Run eval = StyleFinderTest.run("eval", "--videos", videos.toString(), "--queries",
                    queries.toString(), "--transcriber", "openai", "--transcriber-url", server.baseUrl());
            assertThat(eval.exitCode()).as(eval.err()).isZero();
            assertThat(eval.out()).contains("RESULT queries=1 moment_recall@1=1.0000");
            assertThat(server.uploads()).hasSize(1);
        }
    }
}
