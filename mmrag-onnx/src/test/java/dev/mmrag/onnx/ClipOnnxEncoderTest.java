package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.TextContent;
import dev.mmrag.test.EncoderContract;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClipOnnxEncoder} with the real bundled mini-clip model and real catalogue JPEGs: the
 * {@link EncoderContract}, plus batching across batch boundaries, the quality of text-to-image search on the
 * whole catalogue, bytes versus files, closing, and the text-only encoder.
 */
class ClipOnnxEncoderTest extends EncoderContract {

    private static final Path MODEL = TestData.miniClipModel();
    private static final Path CATALOG = TestData.styleCatalog();

    @Override
    protected Set<Modality> supportedModalities() {
        return Set.of(Modality.TEXT, Modality.IMAGE);
    }

    @Override
    protected Encoder newEncoder(Set<Modality> modalities) {
        return ClipOnnxEncoder.builder(MODEL).modalities(modalities).batchSize(4).build();
    }

    @Override
    protected List<Content> sampleContents() {
        return List.of(Content.text("a red striped t-shirt"), Content.text("a blue polka-dot dress"),
                Content.text("a hat"), catalogImage(2), catalogImage(150), catalogImage(301),
                ImageContent.of(resource("/clip-parity/images/rgba-320.png")),
                ImageContent.of(resource("/images/lossless.webp")));
    }

    @Test
    void batchesOfAnySizeGiveTheVectorsOfOneByOne() {
        List<Content> contents = new ArrayList<>();
        for (int i = 1; i <= 23; i++) {
            contents.add(catalogImage(i * 13));
            contents.add(Content.text("item number " + i + " in the catalogue"));
        }
        try (ClipOnnxEncoder single = ClipOnnxEncoder.builder(MODEL).batchSize(1).preprocessingThreads(1).build();
                ClipOnnxEncoder batched = ClipOnnxEncoder.builder(MODEL).batchSize(5).preprocessingThreads(3).build()) {
            List<float[]> one = single.encode(contents);
            List<float[]> many = batched.encode(contents);
            for (int i = 0; i < contents.size(); i++) {
                float[] a = one.get(i);
                float[] b = many.get(i);
                for (int d = 0; d < a.length; d++) {
                    assertThat(Math.abs(a[d] - b[d])).as("%s, component %d", contents.get(i).describe(), d)
                            .isLessThanOrEqualTo(1e-5f);
                }
            }
        }
    }

    /**
     * The labelled development queries of {@code assets/data/style-queries}, scored as its README reports them
     * for the reference pipeline (PIL preprocessing and ONNX Runtime on this model): image queries recall@1
     * 0.52, recall@5 0.89, recall@10 0.92, MRR 0.68; text queries recall@5 1.00 (recall@k: a relevant product is
     * among the first k). A pipeline that loses something on the way scores clearly lower, so each figure must
     * be within 0.03 of the reference.
     */
    @Test
    void theLabelledQueriesScoreAsWithTheReferencePipeline() throws IOException {
        Path queries = TestData.styleQueries();
        List<String> ids = new ArrayList<>();
        List<Content> photos = new ArrayList<>();
        for (JsonObject product : jsonLines(CATALOG.resolve("catalog.jsonl"))) {
            ids.add(product.get("id").getAsString());
            photos.add(ImageContent.of(CATALOG.resolve(product.get("image").getAsString())));
        }
        List<Content> imageQueries = new ArrayList<>();
        List<Set<String>> imageRelevant = new ArrayList<>();
        for (JsonObject query : jsonLines(queries.resolve("image-queries.jsonl"))) {
            imageQueries.add(ImageContent.of(queries.resolve(query.get("image").getAsString())));
            imageRelevant.add(Set.of(query.get("expected").getAsString()));
        }
        List<Content> textQueries = new ArrayList<>();
        List<Set<String>> textRelevant = new ArrayList<>();
        for (JsonObject query : jsonLines(queries.resolve("text-queries.jsonl"))) {
            textQueries.add(new TextContent(query.get("text").getAsString()));
            Set<String> relevant = new java.util.HashSet<>();
            query.getAsJsonArray("relevant").forEach(id -> relevant.add(id.getAsString()));
            textRelevant.add(relevant);
        }
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).build()) {
            List<float[]> catalogue = clip.encode(photos);
            List<Integer> imageRanks = ranks(clip.encode(imageQueries), imageRelevant, catalogue, ids);
            List<Integer> textRanks = ranks(clip.encode(textQueries), textRelevant, catalogue, ids);
            double mrr = imageRanks.stream().mapToDouble(r -> 1.0 / r).average().orElseThrow();
            System.out.printf("style queries: image recall@1 %.3f recall@5 %.3f recall@10 %.3f MRR %.3f; "
                    + "text recall@5 %.3f%n", recallAt(imageRanks, 1), recallAt(imageRanks, 5),
                    recallAt(imageRanks, 10), mrr, recallAt(textRanks, 5));
            assertThat(recallAt(imageRanks, 1)).isGreaterThanOrEqualTo(0.52 - 0.03);
            assertThat(recallAt(imageRanks, 5)).isGreaterThanOrEqualTo(0.89 - 0.03);
            assertThat(recallAt(imageRanks, 10)).isGreaterThanOrEqualTo(0.92 - 0.03);
            assertThat(mrr).isGreaterThanOrEqualTo(0.68 - 0.03);
            assertThat(recallAt(textRanks, 5)).isGreaterThanOrEqualTo(1.00 - 0.03);
        }
    }

    /** @return for each query, the rank (from 1) of its best-placed relevant product */
    private static List<Integer> ranks(List<float[]> queries, List<Set<String>> relevant, List<float[]> catalogue,
            List<String> ids) {
        List<Integer> ranks = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            float[] query = queries.get(q);
            double best = relevant.get(q).stream().mapToDouble(id -> Metric.COSINE.score(query,
                    catalogue.get(ids.indexOf(id)))).max().orElseThrow();
            int rank = 1;
            for (float[] product : catalogue) {
                if (Metric.COSINE.score(query, product) > best) {
                    rank++;
                }
            }
            ranks.add(rank);
        }
        return ranks;
    }

    private static double recallAt(List<Integer> ranks, int k) {
        return ranks.stream().filter(r -> r <= k).count() / (double) ranks.size();
    }

    private static List<JsonObject> jsonLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank())
                .map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
    }

    @Test
    void anImageInMemoryGivesTheSameVectorAsTheSameFile() throws IOException {
        Path file = CATALOG.resolve("images/sku-0042.jpg");
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).build()) {
            assertThat(clip.encode(ImageContent.of(Files.readAllBytes(file), null)))
                    .containsExactly(clip.encode(ImageContent.of(file)));
        }
    }

    @Test
    void lossyWebPIsEncodedCloseToHowPillowDecodesIt() {
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).build()) {
            float[] ours = clip.encode(ImageContent.of(resource("/images/lossy.webp")));
            float[] libwebp = clip.encode(ImageContent.of(resource("/images/lossy.webp.dwebp.png")));
            double cosine = Metric.COSINE.score(ours, libwebp);
            System.out.printf("lossy WebP (TwelveMonkeys) vs libwebp's pixels: cosine %.5f%n", cosine);
            assertThat(cosine).isGreaterThanOrEqualTo(0.99);
        }
    }

    @Test
    void aBadImageFailsTheCallNamingItWhileTheOtherBatchesAreStillPreprocessing() {
        List<Content> contents = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            contents.add(catalogImage(i));
        }
        ImageContent broken = ImageContent.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2}, "image/jpeg");
        contents.set(13, broken);
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).batchSize(4).build()) {
            assertThatThrownBy(() -> clip.encode(contents)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(broken.describe()).hasMessageContaining("JPEG");
            assertThat(clip.encode(contents.subList(0, 13))).hasSize(13);
        }
    }

    @Test
    void theTextOnlyEncoderNeedsNoVisionModelNorImageSettings(@TempDir Path dir) throws IOException {
        ModelFiles.copy(MODEL, dir, name -> !name.contains("vision_model") && !name.equals("preprocessor_config.json"));
        try (ClipOnnxEncoder text = ClipOnnxEncoder.builder(dir).modalities(Set.of(Modality.TEXT)).build()) {
            assertThat(text.encode(Content.text("a green hat"))).hasSize(64);
        }
        assertThatThrownBy(() -> ClipOnnxEncoder.builder(dir).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("preprocessor_config.json");
    }

    @Test
    void aClosedEncoderRefusesCallsAndClosingTwiceIsHarmless() {
        ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).build();
        assertThat(clip.encode(Content.text("a bag"))).hasSize(64);
        clip.close();
        clip.close();
        assertThatThrownBy(() -> clip.encode(Content.text("a bag"))).isInstanceOf(EncodingException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void nullContentsAreInvalidInput() {
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(MODEL).build()) {
            assertThatThrownBy(() -> clip.encode((List<Content>) null)).isInstanceOf(InvalidInputException.class);
            List<Content> withNull = new ArrayList<>();
            withNull.add(Content.text("a bag"));
            withNull.add(null);
            assertThatThrownBy(() -> clip.encode(withNull)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("content 1 is null");
        }
    }

    @Test
    void unnormalisedOutputsAreTheModelsRawProjections() {
        try (ClipOnnxEncoder raw = ClipOnnxEncoder.builder(MODEL).normalize(false).build();
                ClipOnnxEncoder unit = ClipOnnxEncoder.builder(MODEL).build()) {
            float[] rawVector = raw.encode(catalogImage(7));
            float[] unitVector = unit.encode(catalogImage(7));
            double norm = dev.mmrag.api.Vectors.norm(rawVector);
            assertThat(norm).isNotCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
            for (int d = 0; d < rawVector.length; d++) {
                assertThat(rawVector[d] / norm).isCloseTo(unitVector[d], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void builderOptionsAreChecked() {
        ClipOnnxEncoder.Builder builder = ClipOnnxEncoder.builder(MODEL);
        assertThatThrownBy(() -> builder.batchSize(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("batch size must be positive, got 0");
        assertThatThrownBy(() -> builder.intraOpThreads(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.preprocessingThreads(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.maxPixels(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.maxImageBytes(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("image byte limit");
        assertThatThrownBy(() -> builder.maxImageBytes(Integer.MAX_VALUE)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.modalities(Set.of())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.variant(null)).isInstanceOf(InvalidInputException.class);
    }

    /**
     * A photo whose EXIF orientation says "turn a quarter clockwise" is encoded upright by default (as the PNG of
     * Pillow's {@code exif_transpose} of it is), and as stored when orientation is turned off.
     */
    @Test
    void exifOrientationIsAppliedByDefaultAndCanBeTurnedOff() {
        ImageContent sideways = ImageContent.of(resource("/images/orientation-6.jpg"));
        ImageContent upright = ImageContent.of(resource("/images/orientation-6.jpg.transposed.png"));
        ImageContent asStored = ImageContent.of(resource("/images/orientation.jpg.pillow.png"));
        try (ClipOnnxEncoder byDefault = ClipOnnxEncoder.builder(MODEL).build();
                ClipOnnxEncoder ignoring = ClipOnnxEncoder.builder(MODEL).exifOrientation(false).build()) {
            assertThat(byDefault.encode(sideways)).containsExactly(byDefault.encode(upright));
            assertThat(ignoring.encode(sideways)).containsExactly(ignoring.encode(asStored));
            assertThat(byDefault.encode(sideways)).isNotEqualTo(ignoring.encode(sideways));
        }
    }

    @Test
    void anImageOverTheByteLimitIsRefusedWithTheLimitItWasGiven() {
        ImageContent small = ImageContent.of(resource("/images/gray.jpg"));
        ImageContent large = ImageContent.of(resource("/images/source.png"));
        try (ClipOnnxEncoder encoder = ClipOnnxEncoder.builder(MODEL).maxImageBytes(10_000).build()) {
            assertThat(encoder.encode(small)).hasSize(encoder.dimension());
            assertThatThrownBy(() -> encoder.encode(large)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(large.describe() + " is 13650 bytes, over the limit of 10000 bytes");
        }
    }

    private static ImageContent catalogImage(int number) {
        return ImageContent.of(CATALOG.resolve(String.format("images/sku-%04d.jpg", number)));
    }

    private static Path resource(String name) {
        try {
            return Path.of(ClipOnnxEncoderTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
