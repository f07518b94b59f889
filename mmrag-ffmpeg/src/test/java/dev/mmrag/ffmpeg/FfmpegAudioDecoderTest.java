package dev.mmrag.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.mmrag.api.AudioContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.VideoContent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link FfmpegAudioDecoder} on speech made by espeak-ng and converted by the ffmpeg CLI into several codecs. */
class FfmpegAudioDecoderTest {

    @TempDir
    static Path dir;
    static Path speech;

    @BeforeAll
    static void makeSpeech() {
        speech = TestAudio.speak(dir.resolve("speech.wav"), "this is the red striped t-shirt by Harbor and Pine");
    }

    @ParameterizedTest
    @CsvSource({"speech.flac,flac,44100,2", "speech.mp3,libmp3lame,44100,2", "speech.m4a,aac,48000,2",
            "speech.opus,libopus,48000,1", "speech.ogg,libvorbis,22050,1"})
    void decodesAnyCodecTo16kMonoOfTheSourcesDuration(String name, String codec, int rate, int channels) {
        Path file = TestAudio.run(dir.resolve(name), "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i",
                speech.toString(), "-ar", String.valueOf(rate), "-ac", String.valueOf(channels), "-c:a", codec,
                dir.resolve(name).toString());
        short[] pcm = FfmpegAudioDecoder.create().decodeAll(AudioContent.of(file), 60_000);
        double sourceMs = TestAudio.probeMs(speech);
        // lossy codecs add encoder delay/padding of a frame or two; the decoded length stays within 60 ms
        assertThat(pcm.length * 1000.0 / 16_000).isCloseTo(sourceMs, offset(name.endsWith(".flac") ? 20.0 : 60.0));
        assertThat(Arrays.stream(toInts(pcm)).map(Math::abs).max().orElse(0)).isGreaterThan(2000);
    }

    @Test
    void decodesAVideosSoundTrackAndReportsTheDurationOfAWav() {
        Path video = TestAudio.run(dir.resolve("narrated.mp4"), "ffmpeg", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-i", speech.toString(), "-shortest", "-c:v",
                "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", dir.resolve("narrated.mp4").toString());
        short[] pcm = FfmpegAudioDecoder.create().decodeAll(VideoContent.of(video), 60_000);
        assertThat(pcm.length * 1000.0 / 16_000).isCloseTo(TestAudio.probeMs(speech), offset(150.0));
        short[] wav = FfmpegAudioDecoder.create().decodeAll(AudioContent.of(speech), 60_000);
        assertThat(wav.length * 1000.0 / 16_000).isCloseTo(TestAudio.probeMs(speech), offset(20.0));
    }

    @Test
    void refusesAFileWithoutAudioStream() {
        Path video = TestAudio.run(dir.resolve("mute.mp4"), "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f",
                "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                dir.resolve("mute.mp4").toString());
        assertThatThrownBy(() -> FfmpegAudioDecoder.create().decodeAll(AudioContent.of(video), 60_000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("mute.mp4")
                .hasMessageContaining("has no audio stream");
    }

    @Test
    void refusesBytesThatAreNoMediaAndAFileUrl() throws Exception {
        Path fake = Files.write(dir.resolve("fake.mp3"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x10, 1, 2});
        assertThatThrownBy(() -> FfmpegAudioDecoder.create().decodeAll(AudioContent.of(fake), 60_000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("fake.mp3")
                .hasMessageContaining("is not an audio or video file");
        AudioContent local = AudioContent.of(URI.create(speech.toUri().toString()));
        assertThatThrownBy(() -> FfmpegAudioDecoder.create().decodeAll(local, 60_000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("scheme 'file' is refused");
        assertThat(FfmpegAudioDecoder.builder().allowFileUrls(true).build().decodeAll(local, 60_000)).isNotEmpty();
    }

    @Test
    void truncatedFilesAreRefusedOrWarnedAbout() throws Exception {
        Path m4a = TestAudio.run(dir.resolve("t.m4a"), "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i",
                speech.toString(), "-c:a", "aac", dir.resolve("t.m4a").toString());
        byte[] bytes = Files.readAllBytes(m4a);
        Path cutM4a = Files.write(dir.resolve("cut.m4a"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> FfmpegAudioDecoder.create().decodeAll(AudioContent.of(cutM4a), 60_000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cut.m4a");

        byte[] wav = Files.readAllBytes(speech);
        Path cutWav = Files.write(dir.resolve("cut.wav"), Arrays.copyOf(wav, wav.length / 3));
        FfmpegAudioDecoder.Result result = FfmpegAudioDecoder.create().decode(AudioContent.of(cutWav), (s, n) -> { });
        assertThat(result.durationMs()).isCloseTo((long) (TestAudio.probeMs(speech) / 3), offset(40L));
        // FFmpeg takes a WAV's duration from its size, so the cut shows as the broken last sample it reports
        assertThat(String.join("\n", result.warnings())).containsAnyOf("looks truncated", "decoding error");
    }

    @Test
    void refusesAudioOverTheDurationLimit() throws Exception {
        // a 10-hour WAV would be 1.6 GB; the limit is configurable, so a 1 s limit and a 3 s file show the check
        FfmpegAudioDecoder decoder = FfmpegAudioDecoder.builder().maxDurationMs(1000).build();
        assertThatThrownBy(() -> decoder.decode(AudioContent.of(speech), (s, n) -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("speech.wav")
                .hasMessageContaining("the limit is 1000 ms");
        assertThat(FfmpegAudioDecoder.create().maxDurationMs()).isEqualTo(4L * 3600 * 1000);
    }

    @Test
    void refusesAFileThatDeclaresTenHoursUnderTheDefaultLimit() throws Exception {
        Path mka = TestAudio.run(dir.resolve("a.mka"), "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i",
                speech.toString(), "-c:a", "flac", dir.resolve("a.mka").toString());
        byte[] bytes = Files.readAllBytes(mka);
        // Matroska's Duration element (0x4489, an 8-byte float of milliseconds): make the file declare 10 hours
        int at = -1;
        for (int i = 0; i + 11 <= bytes.length; i++) {
            if ((bytes[i] & 0xFF) == 0x44 && (bytes[i + 1] & 0xFF) == 0x89 && (bytes[i + 2] & 0xFF) == 0x88) {
                at = i + 3;
                break;
            }
        }
        assertThat(at).isPositive();
        java.nio.ByteBuffer.wrap(bytes, at, 8).putDouble(10 * 3600 * 1000.0);
        Path tenHours = Files.write(dir.resolve("ten-hours.mka"), bytes);
        assertThatThrownBy(() -> FfmpegAudioDecoder.create().decode(AudioContent.of(tenHours), (s, n) -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ten-hours.mka")
                .hasMessageContaining("lasts 10:00:00").hasMessageContaining("the limit is 14400000 ms");
    }

    private static int[] toInts(short[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        return out;
    }
}
