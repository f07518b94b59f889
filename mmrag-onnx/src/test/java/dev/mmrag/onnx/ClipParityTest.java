package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mmrag.api.Content;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.Metric;
import dev.mmrag.api.TextContent;
import dev.mmrag.test.TestData;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with the reference implementation (Hugging Face transformers' {@code CLIPImageProcessor}, CLIP
 * tokenizer and model, in PyTorch) on the fixtures of {@code src/test/resources/clip-parity}: 9 images (RGB,
 * grey, RGBA, palette, tiny, wide, a large diagram; JPEG and PNG) and 16 texts, with the real bundled mini-clip
 * model run by ONNX Runtime.
 *
 * <p>Tolerances are the issue's: pixel values within 0.06 at most and 0.002 on average (PIL itself lands at
 * 0.03 / 0.0002 from the reference; a bicubic resize without antialiasing misses by 0.1-2.5 / 0.005-0.05);
 * embeddings from the reference pixels within 1e-4; end-to-end embeddings at cosine 0.9999 or more; token ids
 * equal; text embeddings within 1e-4; the quantized variant at cosine 0.98 or more from full precision.
 */
class ClipParityTest {

    private static final Path MODEL = TestData.miniClipModel();

    private static ClipOnnxEncoder raw;
    private static ClipOnnxEncoder quantized;
    private static ClipImagePreprocessor preprocessor;

    @BeforeAll
    static void load() {
        raw = ClipOnnxEncoder.builder(MODEL).normalize(false).build();
        quantized = ClipOnnxEncoder.builder(MODEL).variant(ModelVariant.QUANTIZED).normalize(false).build();
        preprocessor = ClipImagePreprocessor.fromModelDirectory(MODEL);
    }

    @AfterAll
    static void close() {
        raw.close();
        quantized.close();
    }

    static Stream<ParityFixtures.ImageCase> images() {
        return ParityFixtures.images().stream();
    }

    static Stream<ParityFixtures.TextCase> texts() {
        return ParityFixtures.texts().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void pixelValuesMatchTheReference(ParityFixtures.ImageCase image) {
        float[] ours = preprocessor.preprocess(ImageContent.of(image.path()));
        float[] reference = image.referencePixels();
        assertThat(ours).hasSameSizeAs(reference);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < ours.length; i++) {
            double difference = Math.abs(ours[i] - reference[i]);
            max = Math.max(max, difference);
            sum += difference;
        }
        System.out.printf("pixel parity %-32s max %.4f mean %.6f%n", image, max, sum / ours.length);
        assertThat(max).as("max absolute difference of %s", image).isLessThanOrEqualTo(0.06);
        assertThat(sum / ours.length).as("mean absolute difference of %s", image).isLessThanOrEqualTo(0.002);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void embeddingOfTheReferencePixelsMatchesTheReference(ParityFixtures.ImageCase image) throws Exception {
        float[] pixels = image.referencePixels();
        FloatBuffer buffer = OnnxModel.directFloats(pixels.length);
        buffer.put(0, pixels);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                ClipVisionModel vision = ClipVisionModel.of(OnnxModel.load(OrtEnvironment.getEnvironment(), options,
                        MODEL.resolve(ModelVariant.FULL.visionModel()), ModelVariant.FULL.visionModel()),
                        ClipOnnxEncoder.DEFAULT_IMAGE_OUTPUT, 64, 224, 224)) {
            float[] embedding = vision.embed(buffer, 1)[0];
            assertThat(maxDifference(embedding, image.imageEmbeds())).as("max difference for %s", image)
                    .isLessThanOrEqualTo(1e-4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void endToEndImageEmbeddingIsAtCosineOneFromTheReference(ParityFixtures.ImageCase image) {
        float[] embedding = raw.encode(ImageContent.of(image.path()));
        double cosine = Metric.COSINE.score(embedding, image.imageEmbeds());
        System.out.printf("embedding parity %-32s cosine %.7f%n", image, cosine);
        assertThat(cosine).as("cosine for %s", image).isGreaterThanOrEqualTo(0.9999);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void tokenIdsEqualTheReference(ParityFixtures.TextCase text) {
        try (ClipTokenizer tokenizer = ClipTokenizer.load(MODEL.resolve(ClipTokenizer.FILE), 77)) {
            assertThat(tokenizer.tokenize(text.text()).ids()).containsExactly(text.unpaddedIds());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void textEmbeddingMatchesTheReference(ParityFixtures.TextCase text) throws Exception {
        // The empty text cannot be a TextContent (blank texts are refused), so the model is also run directly.
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                ClipTextModel model = ClipTextModel.of(OnnxModel.load(OrtEnvironment.getEnvironment(), options,
                        MODEL.resolve(ModelVariant.FULL.textModel()), ModelVariant.FULL.textModel()),
                        ClipOnnxEncoder.DEFAULT_TEXT_OUTPUT, 64, 77)) {
            float[] direct = model.embed(List.of(text.unpaddedIds()), 49407)[0];
            assertThat(maxDifference(direct, text.textEmbeds())).isLessThanOrEqualTo(1e-4);
        }
        if (!text.text().isBlank()) {
            float[] encoded = raw.encode(Content.text(text.text()));
            assertThat(maxDifference(encoded, text.textEmbeds())).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void aBatchOfAllTextsMatchesTheReferenceToo() {
        List<ParityFixtures.TextCase> cases = ParityFixtures.texts().stream().filter(t -> !t.text().isBlank()).toList();
        List<float[]> encoded = raw.encode(cases.stream().map(t -> (Content) new TextContent(t.text())).toList());
        for (int i = 0; i < cases.size(); i++) {
            assertThat(maxDifference(encoded.get(i), cases.get(i).textEmbeds())).as("%s", cases.get(i))
                    .isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void theLongTextIsTruncatedToSeventySevenTokensEndingWithEndOfTextAndReported() {
        ParityFixtures.TextCase longText = ParityFixtures.texts().stream().filter(t -> t.unpaddedIds().length == 77)
                .findFirst().orElseThrow();
        List<String> warnings = new ArrayList<>();
        float[] encoded = raw.encode(List.of(new TextContent("short"), new TextContent(longText.text())),
                (index, content, message) -> warnings.add(index + ": " + message)).get(1);
        assertThat(longText.unpaddedIds()[76]).isEqualTo(49407);
        assertThat(warnings).singleElement().asString().startsWith("1: text truncated from ").contains("to 77 tokens");
        assertThat(maxDifference(encoded, longText.textEmbeds())).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void quantizedEmbeddingsAreWithinCosineZeroPointNineEightOfFullPrecision() {
        List<Content> inputs = new ArrayList<>();
        ParityFixtures.images().forEach(image -> inputs.add(ImageContent.of(image.path())));
        ParityFixtures.texts().stream().filter(t -> !t.text().isBlank()).forEach(t -> inputs.add(new TextContent(t.text())));
        List<float[]> full = raw.encode(inputs);
        List<float[]> small = quantized.encode(inputs);
        double worst = 1;
        for (int i = 0; i < inputs.size(); i++) {
            double cosine = Metric.COSINE.score(full.get(i), small.get(i));
            worst = Math.min(worst, cosine);
            assertThat(cosine).as("cosine of %s", inputs.get(i).describe()).isGreaterThanOrEqualTo(0.98);
        }
        System.out.printf("quantized vs full: worst cosine %.5f over %d inputs%n", worst, inputs.size());
    }

    private static double maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
