package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.TextContent;
import dev.mmrag.test.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClipOnnxEncoder#countTextTokens} with the bundled mini-clip's real CLIP tokenizer. */
class ClipTokenCountTest {

    private static final Path MODEL = TestData.miniClipModel();

    @Test
    void countsStartAndEndAndWhatTheEncoderWouldTruncate() {
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).build()) {
            assertThat(clip.maxTextTokens()).isEqualTo(77);
            assertThat(clip.countTextTokens("a photo of a cat")).isEqualTo(7);
            String longText = "red striped t-shirt ".repeat(30).strip();
            int count = clip.countTextTokens(longText);
            assertThat(count).isGreaterThan(77);
            List<String> warnings = new ArrayList<>();
            clip.encode(List.of(new TextContent(longText)), (i, c, message) -> warnings.add(message));
            assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains(String.valueOf(count)));
        }
    }
}
