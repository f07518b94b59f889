package dev.mmrag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audio value types: format sniffing, content references, transcript records and spoken moments. */
class AudioTypesTest {

    @TempDir
    Path dir;

    private static byte[] head(String ascii, int... bytes) {
        byte[] text = ascii.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[Math.max(16, text.length + bytes.length)];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        System.arraycopy(text, 0, out, bytes.length, text.length);
        return out;
    }

    @Test
    void formatsAreToldFromTheBytes() {
        assertThat(AudioFormat.detect(head("RIFF\0\0\0\0WAVEfmt "))).contains(AudioFormat.WAV);
        assertThat(AudioFormat.detect(head("fLaC"))).contains(AudioFormat.FLAC);
        assertThat(AudioFormat.detect(head("OggS"))).contains(AudioFormat.OGG);
        assertThat(AudioFormat.detect(head("ID3\4"))).contains(AudioFormat.MP3);
        assertThat(AudioFormat.detect(head("", 0xFF, 0xFB, 0x90, 0x00))).contains(AudioFormat.MP3);
        assertThat(AudioFormat.detect(head("", 0xFF, 0xF1, 0x50, 0x80))).contains(AudioFormat.AAC);
        assertThat(AudioFormat.detect(head("\0\0\0\u0020ftypM4A "))).contains(AudioFormat.M4A);
        assertThat(AudioFormat.detect(head("", 0x1A, 0x45, 0xDF, 0xA3))).contains(AudioFormat.WEBM);
        assertThat(AudioFormat.detect(head("", 0xFF, 0xD8, 0xFF, 0xE0))).isEmpty(); // a JPEG
        assertThat(AudioFormat.detect(head("PK\3\4"))).isEmpty(); // a ZIP
        assertThat(AudioFormat.detect(new byte[2])).isEmpty();
    }

    @Test
    void aContentNamesAFileOrAnHttpUrl() throws Exception {
        Path wav = Files.write(dir.resolve("x.mp3"), head("RIFF\0\0\0\0WAVEfmt "));
        AudioContent file = AudioContent.of(wav);
        assertThat(file.modality()).isEqualTo(Modality.AUDIO);
        assertThat(file.mediaType()).contains("audio/wav"); // the bytes, not the name
        assertThat(AudioContent.fromReference("https://example.com/a.mp3").url()).hasScheme("https");
        assertThat(AudioContent.fromReference(file.reference())).isEqualTo(file);
        assertThatThrownBy(() -> AudioContent.of(URI.create("ftp://example.com/a.mp3")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("scheme 'ftp'");
        assertThatThrownBy(() -> AudioContent.of(dir.resolve("missing.wav")).detectFormat())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new Item("i", List.of(file, new TextContent("t")), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("holds its recording alone");
    }

    @Test
    void transcriptRecordsValidate() {
        assertThat(new TranscriptSegment(0, 10, "  hi  ", " ", null).text()).isEqualTo("hi");
        assertThat(new TranscriptSegment(0, 10, "hi", " ", null).language()).isNull();
        assertThatThrownBy(() -> TranscriptSegment.of(10, 5, "x")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("expected 0 <= start <= end");
        assertThatThrownBy(() -> TranscriptSegment.of(0, 5, " ")).hasMessageContaining("has no text");
        assertThatThrownBy(() -> new TranscriptSegment(0, 5, "x", null, 1.5)).hasMessageContaining("confidence 1.5");
        assertThat(TranscriptSegment.of(100, 200, "x").shifted(1000).span()).isEqualTo(new TimeSpan(1100, 1200));
        assertThatThrownBy(() -> new Transcription(List.of(TranscriptSegment.of(500, 600, "b"),
                TranscriptSegment.of(0, 100, "a")), null, List.of())).hasMessageContaining("must be in time order");
        assertThat(new Transcription(List.of(TranscriptSegment.of(0, 1, "a"), TranscriptSegment.of(2, 3, "b")), "en",
                List.of()).text()).isEqualTo("a b");

        TranscriptionRequest r = TranscriptionRequest.of(new short[16_000], "q.wav");
        assertThat(r.durationMs()).isEqualTo(1000);
        assertThatThrownBy(() -> new TranscriptionRequest(new short[1], 4000, null, "q")).hasMessageContaining("4000 Hz");
        assertThatThrownBy(() -> new TranscriptionRequest(new short[1], 16_000, "english!", "q"))
                .hasMessageContaining("not an ISO-639 code");
    }

    @Test
    void aSpokenMomentCarriesWordsAndAVisualOneNone() {
        TimeSpan span = new TimeSpan(42_000, 45_000);
        Moment spoken = Moment.spoken(span, 0.8, "the red striped t-shirt");
        assertThat(spoken.kind()).isEqualTo(MomentKind.SPOKEN);
        assertThat(spoken.withScore(0.5).words()).isEqualTo("the red striped t-shirt");
        assertThat(new Moment(span, 0.8, null).kind()).isEqualTo(MomentKind.VISUAL);
        assertThatThrownBy(() -> Moment.spoken(span, 0.8, " ")).hasMessageContaining("has no words");
        assertThatThrownBy(() -> new Moment(span, 0.8, null, MomentKind.VISUAL, "words"))
                .hasMessageContaining("only a spoken moment does");
        assertThat(Item.isReservedKey("mmrag_spoken_text")).isTrue();
        assertThat(Item.isReservedKey("mmrag_audio")).isTrue();
        assertThat(Item.isReservedKey("title")).isFalse();
    }
}
