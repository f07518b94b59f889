package dev.mmrag.adapt;

import dev.mmrag.api.Modality;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small vector data sets for trainer tests, and a fingerprint to go with them. */
final class SyntheticData {

    private SyntheticData() {
    }

    static BaseModelFingerprint fingerprint(int dimension) {
        Map<Modality, float[]> probes = new EnumMap<>(Modality.class);
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            float[] v = new float[dimension];
            v[m.ordinal() % dimension] = 1;
            probes.put(m, v);
        }
        return new BaseModelFingerprint(dimension, probes);
    }

    static float[] gaussian(SplittableRandom random, int d, double scale) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    /**
     * A gallery of random items whose queries are the item seen through a fixed distortion (a shared random linear
     * map plus noise): a linear adapter can learn to undo it, so training helps.
     */
    static TrainingData learnable(int items, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> gallery = new LinkedHashMap<>();
        for (int i = 0; i < items; i++) {
            gallery.put("item-" + i, gaussian(random, d, 1));
        }
        float[][] distortion = new float[d][d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                distortion[r][c] = (float) ((r == c ? 1 : 0) + random.nextGaussian() * 0.6);
            }
        }
        List<TrainingPair> pairs = new ArrayList<>();
        List<HeldOutQuery> heldOut = new ArrayList<>();
        for (Map.Entry<String, float[]> item : gallery.entrySet()) {
            for (int k = 0; k < 4; k++) {
                float[] q = distort(distortion, item.getValue(), random, 0.5);
                if (k < 3) {
                    pairs.add(TrainingPair.of("query", Modality.TEXT, q, item.getKey()));
                } else {
                    heldOut.add(new HeldOutQuery(Modality.TEXT, q, java.util.Set.of(item.getKey())));
                }
            }
        }
        return new TrainingData(Modality.IMAGE, gallery, pairs, heldOut);
    }

    static float[] distort(float[][] m, float[] x, SplittableRandom random, double noise) {
        int d = x.length;
        float[] out = new float[d];
        for (int r = 0; r < d; r++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += m[r][c] * x[c];
            }
            out[r] = (float) (s + random.nextGaussian() * noise);
        }
        return out;
    }
}
