package dev.mmrag.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.test.EncoderContract;
import dev.mmrag.test.KeywordTestEncoder;
import dev.mmrag.test.TestData;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AdaptedEncoder} over the real mini-clip model passes the {@link EncoderContract} (with a random, far from
 * identity adapter on both modalities), an identity adapter gives the base encoder's vectors, the adapter is
 * applied after normalisation with the same result as before it, and a foreign base model is refused.
 */
class AdaptedEncoderTest extends EncoderContract {

    private static final Path MODEL = TestData.miniClipModel();
    private static ClipOnnxEncoder clip;
    private static LinearAdapter adapter;

    @BeforeAll
    static void trainOfSorts() {
        clip = ClipOnnxEncoder.builder(MODEL).batchSize(4).build();
        BaseModelFingerprint base = BaseModelFingerprint.of(clip);
        int d = clip.dimension();
        SplittableRandom random = new SplittableRandom(1);
        Map<Modality, float[]> maps = new EnumMap<>(Modality.class);
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            float[] p = new float[d * d];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (random.nextGaussian() * 0.2);
            }
            maps.put(m, p);
        }
        adapter = new LinearAdapter(base, d, 0, 1f, maps);
    }

    @AfterAll
    static void closeClip() {
        clip.close();
    }

    @Override
    protected Set<Modality> supportedModalities() {
        return Set.of(Modality.TEXT, Modality.IMAGE);
    }

    @Override
    protected Encoder newEncoder(Set<Modality> modalities) {
        return AdaptedEncoder.of(ClipOnnxEncoder.builder(MODEL).modalities(modalities).batchSize(4).build(), adapter);
    }

    @Override
    protected List<Content> sampleContents() {
        return List.of(Content.text("a red striped t-shirt"), Content.text("a blue polka-dot dress"),
                Content.text("a hat"), catalogImage(2), catalogImage(150), catalogImage(301));
    }

    private static ImageContent catalogImage(int n) {
        return ImageContent.of(TestData.styleCatalog().resolve(String.format("images/sku-%04d.jpg", n)));
    }

    @Test
    void anIdentityAdapterGivesTheBaseEncodersVectors() {
        List<Content> contents = sampleContents();
        AdaptedEncoder identity = AdaptedEncoder.of(clip, LinearAdapter.identity(BaseModelFingerprint.of(clip)));
        List<float[]> base = clip.encode(contents);
        List<float[]> adapted = identity.encode(contents);
        for (int i = 0; i < contents.size(); i++) {
            assertThat(adapted.get(i)).as(contents.get(i).describe()).containsExactly(base.get(i),
                    org.assertj.core.data.Offset.offset(1e-7f));
        }
        assertThat(identity.dimension()).isEqualTo(clip.dimension());
        assertThat(identity.modalities()).isEqualTo(clip.modalities());
    }

    @Test
    void theAdapterOnTheRawProjectionEqualsTheAdapterOnTheNormalisedVectors() {
        try (ClipOnnxEncoder raw = ClipOnnxEncoder.builder(MODEL).normalize(false).build()) {
            List<Content> contents = sampleContents();
            List<float[]> fromRaw = AdaptedEncoder.of(raw, adapter).encode(contents);
            List<float[]> fromNormalised = AdaptedEncoder.of(clip, adapter).encode(contents);
            for (int i = 0; i < contents.size(); i++) {
                assertThat(fromRaw.get(i)).as(contents.get(i).describe()).containsExactly(fromNormalised.get(i),
                        org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(Math.abs(cosine(fromRaw.get(i), clip.encode(contents.get(i)))))
                        .as("the adapter changes the vector").isLessThan(0.999);
            }
        }
    }

    @Test
    void anotherBaseModelIsRefused() {
        try (Encoder other = new KeywordTestEncoder(clip.dimension(), Set.of(Modality.TEXT))) {
            assertThatThrownBy(() -> AdaptedEncoder.of(other, adapter)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("another base model");
        }
        try (Encoder smaller = new KeywordTestEncoder(8, Set.of(Modality.TEXT))) {
            assertThatThrownBy(() -> AdaptedEncoder.of(smaller, adapter)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("dimension " + clip.dimension());
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }
}
