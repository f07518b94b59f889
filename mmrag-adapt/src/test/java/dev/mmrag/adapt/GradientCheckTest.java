package dev.mmrag.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Modality;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written gradient of the symmetric InfoNCE loss ({@link ContrastiveTrainer.Batch#lossAndGradient})
 * against central finite differences of the loss, for a full and a low-rank map on both modalities (image anchors
 * and gallery share the image map, so both of its gradient paths are exercised), with a pair whose relevant ids
 * leave an entry out of the softmaxes.
 */
class GradientCheckTest {

    private static final int D = 6;

    @ParameterizedTest(name = "rank {0}")
    @ValueSource(ints = {0, 2})
    void analyticGradientMatchesFiniteDifferences(int rank) {
        SplittableRandom random = new SplittableRandom(3);
        ResidualMap map = new ResidualMap(D, rank);
        Map<Modality, float[]> values = new EnumMap<>(Modality.class);
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            float[] p = new float[map.parameterCount()];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (random.nextGaussian() * 0.3);
            }
            values.put(m, p);
        }
        Map<String, float[]> gallery = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            gallery.put("p" + i, vector(random));
        }
        List<TrainingPair> pairs = new ArrayList<>();
        pairs.add(TrainingPair.of("mixed", Modality.IMAGE, vector(random), "p0"));
        pairs.add(TrainingPair.of("mixed", Modality.TEXT, vector(random), "p1"));
        pairs.add(new TrainingPair("mixed", Modality.IMAGE, vector(random), "p2", Set.of("p2", "p3")));
        pairs.add(TrainingPair.of("mixed", Modality.TEXT, vector(random), "p3"));
        pairs.add(TrainingPair.of("mixed", Modality.IMAGE, vector(random), "p4"));
        double temperature = 0.4;
        ContrastiveTrainer.Batch batch = new ContrastiveTrainer.Batch(map, D);

        Map<Modality, float[]> gradients = new EnumMap<>(Modality.class);
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            gradients.put(m, new float[map.parameterCount()]);
        }
        batch.lossAndGradient(values, pairs, gallery, Modality.IMAGE, temperature, gradients);

        double eps = 1e-3;
        int checked = 0;
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            float[] p = values.get(m);
            for (int i = 0; i < p.length; i++) {
                float original = p[i];
                p[i] = (float) (original + eps);
                double plus = batch.lossAndGradient(values, pairs, gallery, Modality.IMAGE, temperature, fresh(map));
                p[i] = (float) (original - eps);
                double minus = batch.lossAndGradient(values, pairs, gallery, Modality.IMAGE, temperature, fresh(map));
                double step = (double) (float) (original + eps) - (float) (original - eps);
                p[i] = original;
                double numeric = (plus - minus) / step;
                double analytic = gradients.get(m)[i];
                assertThat(Math.abs(analytic - numeric))
                        .as("%s parameter %d: analytic %.6f, numeric %.6f", m, i, analytic, numeric)
                        .isLessThanOrEqualTo(2e-3 * Math.max(1, Math.abs(numeric)) + 2e-4);
                checked++;
            }
        }
        assertThat(checked).as("both adapted modalities, every parameter").isEqualTo(2 * map.parameterCount());
        double norm = 0;
        for (float g : gradients.get(Modality.IMAGE)) {
            norm += g * g;
        }
        assertThat(norm).as("a gradient that is zero would pass trivially").isGreaterThan(1e-4);
    }

    private static Map<Modality, float[]> fresh(ResidualMap map) {
        Map<Modality, float[]> g = new EnumMap<>(Modality.class);
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            g.put(m, new float[map.parameterCount()]);
        }
        return g;
    }

    private static float[] vector(SplittableRandom random) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
