package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong model directory fails at {@link ClipOnnxEncoder.Builder#build()} with an {@link InvalidInputException}
 * that names the file and the problem. Each test damages a copy of the bundled mini-clip directory in one way.
 */
class ModelDirectoryLoadingTest {

    private static final Path MODEL = TestData.miniClipModel();

    @TempDir
    Path dir;

    private AbstractThrowableAssert<?, ? extends Throwable> assertBuildFails(ClipOnnxEncoder.Builder builder) {
        return assertThatThrownBy(builder::build).isInstanceOf(InvalidInputException.class);
    }

    private void copyModel() {
        ModelFiles.copy(MODEL, dir, name -> !name.contains("quantized"));
    }

    @Test
    void theIntactCopyLoads() {
        copyModel();
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(dir).build()) {
            assertThat(clip.dimension()).isEqualTo(64);
            assertThat(clip.modalities()).containsExactlyInAnyOrder(Modality.TEXT, Modality.IMAGE);
        }
    }

    @Test
    void aDirectoryThatDoesNotExist() {
        assertBuildFails(ClipOnnxEncoder.builder(dir.resolve("nothing-here")))
                .hasMessageContaining("nothing-here").hasMessageContaining("does not exist or is not a directory");
    }

    @Test
    void aMissingTokenizer() {
        ModelFiles.copy(MODEL, dir, name -> !name.equals("tokenizer.json"));
        assertBuildFails(ClipOnnxEncoder.builder(dir)).hasMessage("model directory " + real(dir)
                + " has no file tokenizer.json");
    }

    @Test
    void aMissingVisionModel() {
        ModelFiles.copy(MODEL, dir, name -> !name.equals("onnx/vision_model.onnx"));
        assertBuildFails(ClipOnnxEncoder.builder(dir)).hasMessageContaining("has no file onnx/vision_model.onnx");
    }

    @Test
    void aMissingQuantizedVariant() {
        copyModel();
        assertBuildFails(ClipOnnxEncoder.builder(dir).variant(ModelVariant.QUANTIZED))
                .hasMessageContaining("has no file onnx/text_model_quantized.onnx");
    }

    @Test
    void theTextModelWhereTheVisionModelShouldBe() throws IOException {
        copyModel();
        Files.copy(MODEL.resolve("onnx/text_model.onnx"), dir.resolve("onnx/vision_model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertBuildFails(ClipOnnxEncoder.builder(dir).imageOutput("text_embeds"))
                .hasMessageContaining("onnx/vision_model.onnx declares the inputs {input_ids int64[?, ?], "
                        + "attention_mask int64[?, ?]}; expected one float input [batch, 3, 224, 224]");
    }

    @Test
    void theVisionModelWhereTheTextModelShouldBe() throws IOException {
        copyModel();
        Files.copy(MODEL.resolve("onnx/vision_model.onnx"), dir.resolve("onnx/text_model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertBuildFails(ClipOnnxEncoder.builder(dir).textOutput("image_embeds"))
                .hasMessageContaining("onnx/text_model.onnx declares the inputs {pixel_values float[?, 3, 224, 224]}; "
                        + "expected input_ids int64[batch, sequence]");
    }

    @Test
    void anOutputNameTheModelDoesNotHave() {
        copyModel();
        assertBuildFails(ClipOnnxEncoder.builder(dir).imageOutput("pooler_output"))
                .hasMessageContaining("onnx/vision_model.onnx has no output 'pooler_output'; its outputs are "
                        + "{image_embeds float[?, 64], last_hidden_state float[?, 50, 128]}");
    }

    @Test
    void anEmbeddingSizeThatDisagreesWithConfigJson() throws IOException {
        copyModel();
        replaceInFile("config.json", "\"projection_dim\": 64,\n  \"logit", "\"projection_dim\": 32,\n  \"logit");
        assertBuildFails(ClipOnnxEncoder.builder(dir))
                .hasMessageContaining("onnx/text_model.onnx declares output 'text_embeds' as float[?, 64], an embedding "
                        + "size of 64, but config.json has projection_dim 32");
    }

    /**
     * A model that declares its embedding size symbolic is run once at load: the size it gives must match
     * config.json, or the build fails naming the file (not the first encode, with an EncodingException).
     */
    @Test
    void aVisionModelWithASymbolicEmbeddingSizeIsRunAtLoadAndRefusedWhenTheSizeDisagrees() throws IOException {
        copyModel();
        Files.write(dir.resolve("onnx/vision_model.onnx"), SymbolicOutputModels.meanColourVisionModel());
        assertBuildFails(ClipOnnxEncoder.builder(dir).modalities(Set.of(Modality.IMAGE)))
                .hasMessage("onnx/vision_model.onnx declares output 'image_embeds' as float[?, ?] and gives [1, 3] "
                        + "for a batch of one, but config.json has projection_dim 64; expected [1, 64]");
    }

    @Test
    void aTextModelWithASymbolicEmbeddingSizeIsRunAtLoadAndRefusedWhenTheSizeDisagrees() throws IOException {
        copyModel();
        Files.write(dir.resolve("onnx/text_model.onnx"), SymbolicOutputModels.tokenIdsTextModel());
        assertBuildFails(ClipOnnxEncoder.builder(dir).modalities(Set.of(Modality.TEXT)))
                .hasMessage("onnx/text_model.onnx declares output 'text_embeds' as float[?, ?] and gives [1, 1] "
                        + "for a batch of one, but config.json has projection_dim 64; expected [1, 64]");
    }

    @Test
    void aVisionModelWithASymbolicEmbeddingSizeLoadsWhenTheSizeAgrees() throws IOException {
        copyModel();
        Files.write(dir.resolve("onnx/vision_model.onnx"), SymbolicOutputModels.meanColourVisionModel());
        replaceInFile("config.json", "\"projection_dim\": 64,\n  \"logit", "\"projection_dim\": 3,\n  \"logit");
        ImageContent photo = ImageContent.of(TestData.styleCatalog().resolve("images/sku-0002.jpg"));
        float[] pixels = ClipImagePreprocessor.fromModelDirectory(dir).preprocess(photo);
        int plane = pixels.length / 3;
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(dir).modalities(Set.of(Modality.IMAGE)).normalize(false)
                .build()) {
            float[] means = clip.encode(photo);
            assertThat(clip.dimension()).isEqualTo(3);
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (int i = c * plane; i < (c + 1) * plane; i++) {
                    sum += pixels[i];
                }
                assertThat((double) means[c]).as("mean of channel %d", c).isCloseTo(sum / plane, within(1e-4));
            }
        }
    }

    @Test
    void aCropSizeThatDisagreesWithTheVisionModel() throws IOException {
        copyModel();
        replaceInFile("preprocessor_config.json", "\"shortest_edge\": 224", "\"shortest_edge\": 256");
        replaceInFile("preprocessor_config.json", "\"height\": 224,\n    \"width\": 224",
                "\"height\": 256,\n    \"width\": 256");
        assertBuildFails(ClipOnnxEncoder.builder(dir))
                .hasMessageContaining("onnx/vision_model.onnx declares the inputs {pixel_values float[?, 3, 224, 224]}; "
                        + "expected one float input [batch, 3, 256, 256]");
    }

    @Test
    void aResamplingFilterOtherThanBicubic() throws IOException {
        copyModel();
        replaceInFile("preprocessor_config.json", "\"resample\": 3", "\"resample\": 2");
        assertBuildFails(ClipOnnxEncoder.builder(dir)).hasMessage(real(dir).resolve("preprocessor_config.json")
                + ": \"resample\" is 2; only 3 (PIL bicubic, which CLIP uses) is supported");
    }

    @Test
    void aConfigWithoutProjectionDim() throws IOException {
        copyModel();
        replaceInFile("config.json", "\"projection_dim\": 64,\n  \"logit", "\"logit");
        assertBuildFails(ClipOnnxEncoder.builder(dir)).hasMessage(real(dir).resolve("config.json")
                + " has no \"projection_dim\"");
    }

    @Test
    void aConfigThatIsNotJson() throws IOException {
        copyModel();
        Files.writeString(dir.resolve("config.json"), "{ \"projection_dim\": 64,, oops");
        assertBuildFails(ClipOnnxEncoder.builder(dir)).hasMessageContaining("config.json is not valid JSON");
    }

    @Test
    void aCorruptOnnxFile() throws IOException {
        copyModel();
        Files.writeString(dir.resolve("onnx/text_model.onnx"), "not a protobuf at all");
        assertBuildFails(ClipOnnxEncoder.builder(dir))
                .hasMessageContaining("onnx/text_model.onnx cannot be loaded by ONNX Runtime");
    }

    @Test
    void aCorruptTokenizer() throws IOException {
        copyModel();
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": 42}");
        assertBuildFails(ClipOnnxEncoder.builder(dir))
                .hasMessageContaining("tokenizer.json cannot be loaded as a Hugging Face tokenizer");
    }

    @Test
    void aFileNameThatClimbsOutOfTheDirectory() {
        copyModel();
        assertBuildFails(ClipOnnxEncoder.builder(dir).textModelFile("../../etc/passwd"))
                .hasMessage("model file name '../../etc/passwd' escapes the model directory " + real(dir));
        assertBuildFails(ClipOnnxEncoder.builder(dir).visionModelFile("onnx/../../outside.onnx"))
                .hasMessageContaining("escapes the model directory");
    }

    @Test
    void anAbsoluteFileName() {
        copyModel();
        assertBuildFails(ClipOnnxEncoder.builder(dir).textModelFile(MODEL.resolve("onnx/text_model.onnx").toString()))
                .hasMessageContaining("is absolute; model files are named relative to the model directory");
    }

    @Test
    void aSymbolicLinkToAFileOutsideTheDirectory() throws IOException {
        copyModel();
        Path inside = dir.resolve("onnx/text_model.onnx");
        Files.delete(inside);
        Path outside = real(MODEL).resolve("onnx/text_model.onnx");
        Files.createSymbolicLink(inside, outside);
        assertBuildFails(ClipOnnxEncoder.builder(dir))
                .hasMessage("model file onnx/text_model.onnx is a link to " + outside
                        + ", which is outside the model directory " + real(dir));
    }

    @Test
    void aSymbolicLinkInsideTheDirectoryIsFine() throws IOException {
        copyModel();
        Files.move(dir.resolve("onnx/text_model.onnx"), dir.resolve("text_model_copy.onnx"));
        Files.createSymbolicLink(dir.resolve("onnx/text_model.onnx"), dir.resolve("text_model_copy.onnx"));
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(dir).modalities(Set.of(Modality.TEXT)).build()) {
            assertThat(clip.dimension()).isEqualTo(64);
        }
    }

    private void replaceInFile(String name, String from, String to) throws IOException {
        Path file = dir.resolve(name);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).as("%s must contain %s", name, from).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
