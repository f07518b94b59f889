package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of {@link ContrastiveTrainer}. Build with {@link #builder()}; every default is written on the
 * builder's methods and was chosen by 5-fold cross-validation on the bundled style catalogue (see the README).
 *
 * <p>Thread-safety: immutable.
 *
 * @param modalities the modalities that get a map (the others stay as the base encoder makes them)
 * @param rank the rank of {@code dW}, 0 for a full matrix
 * @param temperature the InfoNCE temperature (logits are cosines divided by it)
 * @param learningRate AdamW's step size
 * @param weightDecay AdamW's decoupled weight decay, applied to {@code dW}'s parameters: a pull toward the
 *     identity map
 * @param batchSize pairs per mini-batch (the in-batch negatives of each pair are the others' targets)
 * @param maxEpochs the most passes over the training pairs
 * @param patience stop after this many epochs without a better held-out score
 * @param clipNorm the largest global gradient norm; larger gradients are scaled down to it
 * @param seed the seed of every random choice (initialisation, shuffling): the same seed and data give the same
 *     adapter bit for bit
 * @param recallK the k of the held-out recall@k that, with recall@1, decides early stopping and alpha
 * @param alphas the interpolations tried on the held-out queries after each epoch, each in (0, 1]
 * @param requireNoLoss whether only an (epoch, alpha) whose held-out recall@1 and recall@5 are both at least the
 *     base model's may be kept; without it the best score wins even if one of them drops (and
 *     {@link TrainingResult#save} then refuses to write it unless forced)
 */
public record TrainerConfig(Set<Modality> modalities, int rank, double temperature, double learningRate,
        double weightDecay, int batchSize, int maxEpochs, int patience, double clipNorm, long seed, int recallK,
        List<Float> alphas, boolean requireNoLoss) {

    /** AdamW's first-moment decay. */
    public static final double BETA1 = 0.9;
    /** AdamW's second-moment decay. */
    public static final double BETA2 = 0.999;
    /** AdamW's epsilon. */
    public static final double EPSILON = 1e-8;

    /** Validates and copies. */
    public TrainerConfig {
        if (modalities == null || modalities.isEmpty()) {
            throw new InvalidInputException("the trainer needs at least one modality to adapt, got " + modalities);
        }
        modalities = Set.copyOf(EnumSet.copyOf(modalities));
        if (rank < 0) {
            throw new InvalidInputException("rank must be 0 (full) or positive, got " + rank);
        }
        positive(temperature, "temperature");
        positive(learningRate, "learning rate");
        if (!(weightDecay >= 0 && weightDecay < 1 / learningRate)) {
            throw new InvalidInputException("weight decay must be in [0, 1 / learning rate), got " + weightDecay);
        }
        if (batchSize < 2) {
            throw new InvalidInputException("batch size must be at least 2 (a pair needs negatives), got " + batchSize);
        }
        if (maxEpochs < 1 || patience < 1) {
            throw new InvalidInputException("max epochs and patience must be positive, got " + maxEpochs + " and "
                    + patience);
        }
        positive(clipNorm, "gradient clipping norm");
        if (recallK < 1) {
            throw new InvalidInputException("recall k must be positive, got " + recallK);
        }
        alphas = List.copyOf(alphas);
        if (alphas.isEmpty()) {
            throw new InvalidInputException("the trainer needs at least one alpha to try");
        }
        for (Float alpha : alphas) {
            if (alpha == null || !(alpha > 0f && alpha <= 1f)) {
                throw new InvalidInputException("every alpha must be in (0, 1], got " + alpha);
            }
        }
    }

    private static void positive(double value, String what) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidInputException(what + " must be a positive number, got " + value);
        }
    }

    /** @return a builder with every setting at its default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from these settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modalities = modalities;
        b.rank = rank;
        b.temperature = temperature;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.maxEpochs = maxEpochs;
        b.patience = patience;
        b.clipNorm = clipNorm;
        b.seed = seed;
        b.recallK = recallK;
        b.alphas = alphas;
        b.requireNoLoss = requireNoLoss;
        return b;
    }

    /** Builds a {@link TrainerConfig}. Not thread-safe. */
    public static final class Builder {
        private Set<Modality> modalities = EnumSet.of(Modality.IMAGE);
        private int rank = 0;
        private double temperature = 0.05;
        private double learningRate = 2e-3;
        private double weightDecay = 0.05;
        private int batchSize = 128;
        private int maxEpochs = 60;
        private int patience = 8;
        private double clipNorm = 1.0;
        private long seed = 42;
        private int recallK = 5;
        private List<Float> alphas = List.of(0.25f, 0.5f, 0.75f, 1f);
        private boolean requireNoLoss = true;

        private Builder() {
        }

        /** @param modalities the modalities to adapt; default image only @return this builder */
        public Builder modalities(Set<Modality> modalities) {
            this.modalities = modalities;
            return this;
        }

        /** @param rank the rank of dW, 0 for full; default 0 (full) @return this builder */
        public Builder rank(int rank) {
            this.rank = rank;
            return this;
        }

        /** @param temperature the InfoNCE temperature; default 0.05 @return this builder */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** @param learningRate AdamW's step size; default 0.002 @return this builder */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** @param weightDecay the decoupled decay toward identity; default 0.05 @return this builder */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** @param batchSize pairs per mini-batch; default 128 @return this builder */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** @param maxEpochs the most epochs; default 60 @return this builder */
        public Builder maxEpochs(int maxEpochs) {
            this.maxEpochs = maxEpochs;
            return this;
        }

        /** @param patience epochs without improvement before stopping; default 8 @return this builder */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /** @param clipNorm the largest global gradient norm; default 1.0 @return this builder */
        public Builder clipNorm(double clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        /** @param seed the random seed; default 42 @return this builder */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param recallK the k of held-out recall@k; default 5 @return this builder */
        public Builder recallK(int recallK) {
            this.recallK = recallK;
            return this;
        }

        /** @param alphas the interpolations tried; default 0.25, 0.5, 0.75, 1 @return this builder */
        public Builder alphas(List<Float> alphas) {
            this.alphas = alphas;
            return this;
        }

        /**
         * @param requireNoLoss keep only candidates that lower neither held-out recall@1 nor recall@5; default true
         * @return this builder
         */
        public Builder requireNoLoss(boolean requireNoLoss) {
            this.requireNoLoss = requireNoLoss;
            return this;
        }

        /** @return the settings @throws InvalidInputException naming a setting out of range */
        public TrainerConfig build() {
            return new TrainerConfig(modalities, rank, temperature, learningRate, weightDecay, batchSize, maxEpochs,
                    patience, clipNorm, seed, recallK, alphas, requireNoLoss);
        }
    }
}
