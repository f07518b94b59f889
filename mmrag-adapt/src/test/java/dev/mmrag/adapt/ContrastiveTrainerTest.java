package dev.mmrag.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer on synthetic vectors: it learns what is learnable, reproducibly, and stops when it overfits. */
class ContrastiveTrainerTest {

    private static final int D = 16;

    @TempDir
    Path folder;

    @Test
    void learnsALinearDistortionAndImprovesHeldOutRecall() {
        TrainingData data = SyntheticData.learnable(60, D, 1);
        TrainerConfig config = TrainerConfig.builder().modalities(EnumSet.of(Modality.TEXT)).batchSize(32)
                .temperature(0.1).learningRate(0.01).weightDecay(0.01).maxEpochs(40).build();
        TrainingResult result = new ContrastiveTrainer(config).train(data, SyntheticData.fingerprint(D), null);
        // measured: recall@1 0.43 -> 0.78 (seed 1); the margins leave room for arithmetic differences
        assertThat(result.after().recall1()).isGreaterThan(result.before().recall1() + 0.2);
        assertThat(result.after().recall5()).isGreaterThanOrEqualTo(result.before().recall5());
        assertThat(result.bestEpoch()).isPositive();
        assertThat(result.lowersRecall()).isFalse();
        assertThat(result.adapter().adaptedModalities()).containsExactly(Modality.TEXT);
        assertThat(result.history()).hasSize(result.epochsRun());
    }

    @Test
    void theSameSeedGivesTheSameAdapterBitForBitAndAnotherSeedAnother() {
        TrainingData data = SyntheticData.learnable(40, D, 2);
        TrainerConfig config = TrainerConfig.builder().modalities(EnumSet.allOf(Modality.class)).batchSize(16)
                .learningRate(0.01).maxEpochs(6).patience(6).seed(11).build();
        BaseModelFingerprint base = SyntheticData.fingerprint(D);
        TrainingResult first = new ContrastiveTrainer(config).train(data, base, null);
        TrainingResult second = new ContrastiveTrainer(config).train(data, base, null);
        TrainingResult other = new ContrastiveTrainer(config.toBuilder().seed(12).build()).train(data, base, null);
        assertThat(first.bestEpoch()).isPositive();
        assertThat(AdapterFile.encode(second.adapter())).isEqualTo(AdapterFile.encode(first.adapter()));
        assertThat(second.history()).isEqualTo(first.history());
        assertThat(AdapterFile.encode(other.adapter())).isNotEqualTo(AdapterFile.encode(first.adapter()));

        TrainerConfig lowRank = config.toBuilder().rank(3).build();
        assertThat(AdapterFile.encode(new ContrastiveTrainer(lowRank).train(data, base, null).adapter()))
                .isEqualTo(AdapterFile.encode(new ContrastiveTrainer(lowRank).train(data, base, null).adapter()));
    }

    /**
     * A set built to overfit: held-out queries are their items plus noise (the base model finds most of them),
     * but the training pairs join random vectors to random items, so every step of training moves the map
     * away from what works. The held-out score never beats the base model's, so training stops after
     * {@code patience} epochs and returns the identity, and the history shows the recall it would have lost.
     */
    @Test
    void earlyStoppingEndsARunThatOnlyOverfitsAndKeepsTheBaseModel() {
        SplittableRandom random = new SplittableRandom(5);
        Map<String, float[]> gallery = new LinkedHashMap<>();
        List<HeldOutQuery> heldOut = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] item = SyntheticData.gaussian(random, D, 1);
            gallery.put("item-" + i, item);
            float[] query = item.clone();
            for (int c = 0; c < D; c++) {
                query[c] += (float) (random.nextGaussian() * 1.2);
            }
            heldOut.add(new HeldOutQuery(Modality.IMAGE, query, Set.of("item-" + i)));
        }
        List<TrainingPair> pairs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            pairs.add(TrainingPair.of("noise", Modality.IMAGE, SyntheticData.gaussian(random, D, 1),
                    "item-" + random.nextInt(50)));
        }
        TrainerConfig config = TrainerConfig.builder().batchSize(32).learningRate(0.05).weightDecay(0)
                .maxEpochs(50).patience(4).build();
        TrainingResult result = new ContrastiveTrainer(config)
                .train(new TrainingData(Modality.IMAGE, gallery, pairs, heldOut), SyntheticData.fingerprint(D), null);

        assertThat(result.before().recall1()).as("the base model is good but not perfect").isBetween(0.5, 0.99);
        assertThat(result.stoppedEarly()).isTrue();
        assertThat(result.epochsRun()).isEqualTo(result.bestEpoch() + 4).isLessThan(20);
        assertThat(result.lowersRecall()).isFalse();
        assertThat(result.after().score(5)).isGreaterThanOrEqualTo(result.before().score(5));
        double worst = result.history().stream().mapToDouble(r -> r.heldOut().recall1()).min().orElseThrow();
        assertThat(worst).as("training did overfit: held-out recall@1 of the map as trained fell")
                .isLessThan(result.before().recall1() - 0.05);
        EpochReport last = result.history().get(result.history().size() - 1);
        assertThat(last.heldOut().recall1()).as("what was kept beats where training ended")
                .isLessThan(result.after().recall1());
    }

    @Test
    void anAdapterThatLowersHeldOutRecallIsNotWrittenUnlessForced() {
        BaseModelFingerprint base = SyntheticData.fingerprint(D);
        float[] p = new float[D * D];
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) random.nextGaussian();
        }
        LinearAdapter scrambling = new LinearAdapter(base, D, 0, 1f, Map.of(Modality.IMAGE, p));
        HeldOutRecall before = new HeldOutRecall(10, 0.8, 0.9, 1.0, 0.85);
        HeldOutRecall after = new HeldOutRecall(10, 0.7, 0.9, 1.0, 0.8);
        TrainingResult result = new TrainingResult(scrambling, before, after, 3, 5, false, List.of(),
                java.time.Duration.ZERO);
        Path file = folder.resolve("adapter.bin");

        assertThat(result.lowersRecall()).isTrue();
        assertThatThrownBy(() -> result.save(file, false)).isInstanceOf(AdapterRejectedException.class)
                .hasMessageContaining("recall@1 0.800 -> 0.700").hasMessageContaining(file.toString());
        assertThat(Files.exists(file)).isFalse();

        result.save(file, true);
        assertThat(AdapterFile.read(file).fingerprint()).isEqualTo(scrambling.fingerprint());
    }

    @Test
    void badSettingsAndDataAreRefusedNamingThem() {
        assertThatThrownBy(() -> TrainerConfig.builder().temperature(0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> TrainerConfig.builder().alphas(List.of(0f)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("alpha");
        assertThatThrownBy(() -> TrainingPair.of("view", Modality.IMAGE, new float[] {1, Float.NaN}, "a"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("NaN").hasMessageContaining("'a'");
        Map<String, float[]> gallery = Map.of("a", new float[] {1, 0});
        assertThatThrownBy(() -> new TrainingData(Modality.IMAGE, gallery,
                List.of(TrainingPair.of("view", Modality.IMAGE, new float[] {1, 1}, "b")),
                List.of(new HeldOutQuery(Modality.IMAGE, new float[] {1, 1}, Set.of("a")))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'b'");
        TrainingData data = SyntheticData.learnable(10, D, 3);
        assertThatThrownBy(() -> new ContrastiveTrainer(TrainerConfig.builder().build())
                .train(data, SyntheticData.fingerprint(D + 1), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("dimension");
    }
}
