package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link LinearAdapter} with symmetric InfoNCE on cached vectors, in Java, on one thread.
 *
 * <p><b>The loss.</b> A mini-batch holds {@code N} pairs of one group ({@link TrainingPair#group()}): anchors
 * {@code a_i} (shopper photos, texts, augmented views) and their targets' gallery vectors {@code g_i}. With
 * {@code u_i = W_m a_i} (the map of the anchor's modality; identity when that modality is not adapted),
 * {@code v_j = W_g g_j}, unit vectors {@code û = u / |u|}, {@code v̂ = v / |v|} and logits
 * {@code s_ij = û_i . v̂_j / τ}, the loss is the mean of the row-wise and the column-wise cross-entropies of
 * picking the diagonal: {@code L = (1/2N) sum_i -log P_ii + (1/2N) sum_j -log Q_jj}, with {@code P} the softmax of
 * each row and {@code Q} of each column. Every other pair's target is a negative (in-batch negatives), except
 * targets that the anchor's {@link TrainingPair#relevant()} lists (they are left out of both softmaxes).
 *
 * <p><b>The gradients</b>, by hand (checked against finite differences in the tests):
 * <ol>
 *   <li>{@code dL/ds_ij = (P_ij - δ_ij + Q_ij - δ_ij) / 2N} (the softmax cross-entropy gradient, once per
 *       direction; 0 for left-out entries);</li>
 *   <li>{@code dL/dû_i = (1/τ) sum_j dL/ds_ij v̂_j} and {@code dL/dv̂_j = (1/τ) sum_i dL/ds_ij û_i};</li>
 *   <li>through the normalisation {@code û = u / |u|}, whose Jacobian is {@code (I - û û^T) / |u|}:
 *       {@code dL/du = (dL/dû - û (û . dL/dû)) / |u|};</li>
 *   <li>through {@code u = a + dW a}: {@code dL/d dW += dL/du a^T}, summed over every vector the map was applied to
 *       (anchors and gallery vectors alike when they share a modality). For a low-rank {@code dW = A B} with
 *       {@code h = B a}: {@code dL/dA += dL/du h^T} and {@code dL/dB += (A^T dL/du) a^T}.</li>
 * </ol>
 *
 * <p><b>The optimiser</b>: the global gradient norm is clipped to {@link TrainerConfig#clipNorm()}, then AdamW
 * ({@link TrainerConfig#BETA1}, {@link TrainerConfig#BETA2}, {@link TrainerConfig#EPSILON}, bias-corrected) with
 * decoupled weight decay on the parameters of {@code dW}: each step shrinks {@code dW} toward zero, that is
 * {@code W} toward the identity, by {@code lr * weightDecay}, which acts as a penalty on {@code ||dW||} that does
 * not depend on Adam's per-parameter scaling. A full {@code dW} starts at zero; a low-rank one starts with
 * {@code B = 0} and {@code A} Gaussian (standard deviation {@code 1/sqrt(d)}), so {@code W} starts at the identity
 * either way.
 *
 * <p><b>Epochs, stopping and alpha.</b> Each epoch shuffles each group's pairs, cuts them into mini-batches of
 * equal size and shuffles the batches. After each epoch the held-out queries are searched against the gallery
 * through the current maps at each {@link TrainerConfig#alphas() alpha} ({@code W = I + alpha dW}), and the
 * (epoch, alpha) with the best held-out {@link HeldOutRecall#score score} (recall@1 + recall@k) is kept; with
 * {@link TrainerConfig#requireNoLoss()} (the default) only candidates that lower neither held-out recall@1 nor
 * recall@5 below the base model's count. Training stops after {@link TrainerConfig#patience()} epochs without a
 * better candidate. The base model's figures are the score to beat: if nothing beats it, the result is the
 * identity adapter. On a tie the earlier epoch and the smaller alpha win (closest to what the base model knew).
 *
 * <p><b>Reproducibility.</b> Every random choice comes from one {@link SplittableRandom} seeded with
 * {@link TrainerConfig#seed()}, training runs on the calling thread, and the vector arithmetic gives the same bits
 * with and without the Vector API ({@link Axpy}); the same data and seed give the same adapter bit for bit.
 *
 * <p><b>Cost</b>: about {@code 4 d^2} multiply-adds per pair and epoch for a full map ({@code 8 r d} low rank),
 * plus {@code 3 N d} per pair for the logits and their gradients (N the batch size), plus a held-out search per
 * alpha after each epoch; {@code AdapterBenchmark} measures a whole run.
 *
 * <p>Thread-safety: immutable; {@link #train} may be called from several threads at once (each run has its own
 * state).
 */
public final class ContrastiveTrainer {

    private final TrainerConfig config;

    /** @param config the settings */
    public ContrastiveTrainer(TrainerConfig config) {
        if (config == null) {
            throw new InvalidInputException("the trainer needs a config");
        }
        this.config = config;
    }

    /** @return the settings */
    public TrainerConfig config() {
        return config;
    }

    /**
     * Trains an adapter.
     *
     * @param data the gallery, the training pairs and the held-out queries
     * @param base the fingerprint of the encoder the vectors came from (recorded in the adapter)
     * @param listener told about every epoch
     * @return the adapter and its before/after figures
     * @throws InvalidInputException when the data's dimension is not the base model's, or the rank exceeds it
     */
    public TrainingResult train(TrainingData data, BaseModelFingerprint base, TrainingListener listener) {
        long start = System.nanoTime();
        int d = data.dimension();
        if (base.dimension() != d) {
            throw new InvalidInputException("the training vectors have dimension " + d + " but the base model "
                    + base.dimension());
        }
        if (config.rank() > d) {
            throw new InvalidInputException("rank " + config.rank() + " exceeds the dimension " + d);
        }
        TrainingListener progress = listener != null ? listener : TrainingListener.NONE;
        ResidualMap map = new ResidualMap(d, config.rank());
        SplittableRandom random = new SplittableRandom(config.seed());
        Map<Modality, Parameters> parameters = new EnumMap<>(Modality.class);
        for (Modality modality : Modality.values()) {
            if (config.modalities().contains(modality)) {
                parameters.put(modality, new Parameters(map, random));
            }
        }
        Map<String, List<TrainingPair>> groups = new LinkedHashMap<>();
        for (TrainingPair pair : data.pairs()) {
            groups.computeIfAbsent(pair.group(), g -> new ArrayList<>()).add(pair);
        }

        LinearAdapter identity = LinearAdapter.identity(base);
        HeldOutRecall before = HeldOutRecall.measure(identity, data.galleryModality(), data.gallery(), data.heldOut());
        List<Float> alphas = new ArrayList<>(config.alphas());
        alphas.sort(null);
        double bestScore = before.score(config.recallK());
        Map<Modality, float[]> best = null;
        float bestAlpha = 1f;
        HeldOutRecall after = before;
        int bestEpoch = 0;
        int sinceBest = 0;
        int epoch = 0;
        List<EpochReport> history = new ArrayList<>();
        Batch batch = new Batch(map, d);
        long step = 0;
        boolean stoppedEarly = false;
        while (epoch < config.maxEpochs()) {
            epoch++;
            double lossSum = 0;
            List<List<TrainingPair>> batches = batches(groups, random);
            for (List<TrainingPair> pairs : batches) {
                Map<Modality, float[]> values = values(parameters);
                Map<Modality, float[]> gradients = new EnumMap<>(Modality.class);
                parameters.forEach((m, p) -> {
                    java.util.Arrays.fill(p.gradient, 0f);
                    gradients.put(m, p.gradient);
                });
                lossSum += batch.lossAndGradient(values, pairs, data.gallery(), data.galleryModality(),
                        config.temperature(), gradients);
                step++;
                clip(parameters);
                for (Parameters p : parameters.values()) {
                    p.adamW(step, config);
                }
            }
            LinearAdapter current = new LinearAdapter(base, d, config.rank(), 1f, values(parameters));
            HeldOutRecall full = null;
            boolean improved = false;
            for (float alpha : alphas) {
                HeldOutRecall figures = HeldOutRecall.measure(current.withAlpha(alpha), data.galleryModality(),
                        data.gallery(), data.heldOut());
                if (alpha == 1f) {
                    full = figures;
                }
                double score = figures.score(config.recallK());
                if (score > bestScore && (!config.requireNoLoss() || !lowers(figures, before))) {
                    bestScore = score;
                    best = copy(values(parameters));
                    bestAlpha = alpha;
                    after = figures;
                    bestEpoch = epoch;
                    improved = true;
                }
            }
            if (full == null) {
                full = HeldOutRecall.measure(current, data.galleryModality(), data.gallery(), data.heldOut());
            }
            sinceBest = improved ? 0 : sinceBest + 1;
            EpochReport report = new EpochReport(epoch, config.maxEpochs(), lossSum / batches.size(), full, improved);
            history.add(report);
            progress.onEpoch(report);
            if (sinceBest >= config.patience()) {
                stoppedEarly = epoch < config.maxEpochs();
                break;
            }
        }
        LinearAdapter adapter = best == null ? identity
                : new LinearAdapter(base, d, config.rank(), bestAlpha, best);
        return new TrainingResult(adapter, before, after, bestEpoch, epoch, stoppedEarly, history,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static boolean lowers(HeldOutRecall figures, HeldOutRecall before) {
        return figures.recall1() < before.recall1() || figures.recall5() < before.recall5();
    }

    /** Each group's pairs shuffled and cut into batches of the configured size, the batches shuffled. */
    private List<List<TrainingPair>> batches(Map<String, List<TrainingPair>> groups, SplittableRandom random) {
        List<List<TrainingPair>> batches = new ArrayList<>();
        int size = config.batchSize();
        for (List<TrainingPair> group : groups.values()) {
            List<TrainingPair> shuffled = new ArrayList<>(group);
            shuffle(shuffled, random);
            int count = Math.max(1, (shuffled.size() + size - 1) / size);
            for (int b = 0; b < count; b++) {
                // equal-sized batches: a small remainder would make a batch with too few negatives
                int from = (int) ((long) b * shuffled.size() / count);
                int to = (int) ((long) (b + 1) * shuffled.size() / count);
                if (to - from >= 2) {
                    batches.add(shuffled.subList(from, to));
                }
            }
        }
        shuffle(batches, random);
        return batches;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private void clip(Map<Modality, Parameters> parameters) {
        double sum = 0;
        for (Parameters p : parameters.values()) {
            for (float g : p.gradient) {
                sum += (double) g * g;
            }
        }
        double norm = Math.sqrt(sum);
        if (norm > config.clipNorm()) {
            float scale = (float) (config.clipNorm() / norm);
            for (Parameters p : parameters.values()) {
                for (int i = 0; i < p.gradient.length; i++) {
                    p.gradient[i] *= scale;
                }
            }
        }
    }

    private static Map<Modality, float[]> values(Map<Modality, Parameters> parameters) {
        Map<Modality, float[]> values = new EnumMap<>(Modality.class);
        parameters.forEach((m, p) -> values.put(m, p.value));
        return values;
    }

    private static Map<Modality, float[]> copy(Map<Modality, float[]> values) {
        Map<Modality, float[]> copy = new EnumMap<>(Modality.class);
        values.forEach((m, v) -> copy.put(m, v.clone()));
        return copy;
    }

    /** One map's parameters, gradient and AdamW moments. */
    private static final class Parameters {
        final float[] value;
        final float[] gradient;
        final float[] m;
        final float[] v;

        Parameters(ResidualMap map, SplittableRandom random) {
            int n = map.parameterCount();
            value = new float[n];
            gradient = new float[n];
            m = new float[n];
            v = new float[n];
            if (map.rank() > 0) {
                double std = 1 / Math.sqrt(map.dimension());
                int a = map.rank() * map.dimension();
                for (int i = 0; i < a; i++) {
                    value[i] = (float) (random.nextGaussian() * std);
                }
            }
        }

        void adamW(long step, TrainerConfig config) {
            double lr = config.learningRate();
            double decay = 1 - lr * config.weightDecay();
            double correction1 = 1 - Math.pow(TrainerConfig.BETA1, step);
            double correction2 = 1 - Math.pow(TrainerConfig.BETA2, step);
            for (int i = 0; i < value.length; i++) {
                double g = gradient[i];
                double mi = TrainerConfig.BETA1 * m[i] + (1 - TrainerConfig.BETA1) * g;
                double vi = TrainerConfig.BETA2 * v[i] + (1 - TrainerConfig.BETA2) * g * g;
                m[i] = (float) mi;
                v[i] = (float) vi;
                double update = (mi / correction1) / (Math.sqrt(vi / correction2) + TrainerConfig.EPSILON);
                value[i] = (float) (value[i] * decay - lr * update);
            }
        }
    }

    /** The forward and backward pass of a mini-batch. Stateless apart from the map's shape. */
    static final class Batch {
        private final ResidualMap map;
        private final int d;

        Batch(ResidualMap map, int d) {
            this.map = map;
            this.d = d;
        }

        /**
         * Computes the symmetric InfoNCE loss of a batch and adds its gradient to {@code gradients}.
         *
         * @param values the parameters of each adapted modality's map
         * @param pairs the batch
         * @param gallery the gallery vectors
         * @param galleryModality their modality
         * @param temperature τ
         * @param gradients per adapted modality, added to
         * @return the loss
         */
        double lossAndGradient(Map<Modality, float[]> values, List<TrainingPair> pairs, Map<String, float[]> gallery,
                Modality galleryModality, double temperature, Map<Modality, float[]> gradients) {
            int n = pairs.size();
            int r = map.hiddenSize();
            float[][] anchorIn = new float[n][];
            float[][] galleryIn = new float[n][];
            float[][] anchorHidden = new float[n][r];
            float[][] galleryHidden = new float[n][r];
            double[][] uHat = new double[n][d];
            double[][] vHat = new double[n][d];
            double[] uNorm = new double[n];
            double[] vNorm = new double[n];
            float[] out = new float[d];
            for (int i = 0; i < n; i++) {
                TrainingPair pair = pairs.get(i);
                anchorIn[i] = pair.vector();
                uNorm[i] = forward(values.get(pair.modality()), anchorIn[i], anchorHidden[i], out, uHat[i]);
                galleryIn[i] = gallery.get(pair.target());
                vNorm[i] = forward(values.get(galleryModality), galleryIn[i], galleryHidden[i], out, vHat[i]);
            }
            boolean[][] leftOut = new boolean[n][n];
            double[][] logits = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    leftOut[i][j] = i != j && pairs.get(i).relevant().contains(pairs.get(j).target());
                    logits[i][j] = dot(uHat[i], vHat[j]) / temperature;
                }
            }
            double[][] dLogits = new double[n][n];
            double loss = 0;
            double weight = 1.0 / (2 * n);
            for (int i = 0; i < n; i++) { // rows: anchor i against every target
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (!leftOut[i][j]) {
                        max = Math.max(max, logits[i][j]);
                    }
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    if (!leftOut[i][j]) {
                        sum += Math.exp(logits[i][j] - max);
                    }
                }
                double logSum = max + Math.log(sum);
                loss += weight * (logSum - logits[i][i]);
                for (int j = 0; j < n; j++) {
                    if (!leftOut[i][j]) {
                        dLogits[i][j] += weight * (Math.exp(logits[i][j] - logSum) - (i == j ? 1 : 0));
                    }
                }
            }
            for (int j = 0; j < n; j++) { // columns: target j against every anchor
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    if (!leftOut[i][j]) {
                        max = Math.max(max, logits[i][j]);
                    }
                }
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    if (!leftOut[i][j]) {
                        sum += Math.exp(logits[i][j] - max);
                    }
                }
                double logSum = max + Math.log(sum);
                loss += weight * (logSum - logits[j][j]);
                for (int i = 0; i < n; i++) {
                    if (!leftOut[i][j]) {
                        dLogits[i][j] += weight * (Math.exp(logits[i][j] - logSum) - (i == j ? 1 : 0));
                    }
                }
            }
            double[] dHat = new double[d];
            float[] du = new float[d];
            float[] scratch = new float[r];
            for (int i = 0; i < n; i++) {
                float[] grad = gradients.get(pairs.get(i).modality());
                if (grad == null) {
                    continue;
                }
                java.util.Arrays.fill(dHat, 0);
                for (int j = 0; j < n; j++) {
                    double s = dLogits[i][j] / temperature;
                    if (s != 0) {
                        addScaled(dHat, s, vHat[j]);
                    }
                }
                throughNormalisation(dHat, uHat[i], uNorm[i], du);
                map.accumulateGradient(values.get(pairs.get(i).modality()), anchorIn[i], anchorHidden[i], du, grad,
                        scratch);
            }
            float[] galleryGrad = gradients.get(galleryModality);
            if (galleryGrad != null) {
                for (int j = 0; j < n; j++) {
                    java.util.Arrays.fill(dHat, 0);
                    for (int i = 0; i < n; i++) {
                        double s = dLogits[i][j] / temperature;
                        if (s != 0) {
                            addScaled(dHat, s, uHat[i]);
                        }
                    }
                    throughNormalisation(dHat, vHat[j], vNorm[j], du);
                    map.accumulateGradient(values.get(galleryModality), galleryIn[j], galleryHidden[j], du,
                            galleryGrad, scratch);
                }
            }
            return loss;
        }

        /** Applies a map (or the identity when {@code p} is null) and normalises; returns the norm. */
        private double forward(float[] p, float[] x, float[] hidden, float[] out, double[] unit) {
            double sum = 0;
            if (p == null) {
                for (int c = 0; c < d; c++) {
                    sum += (double) x[c] * x[c];
                }
            } else {
                map.apply(p, x, 1f, out, hidden);
                for (int c = 0; c < d; c++) {
                    sum += (double) out[c] * out[c];
                }
            }
            double norm = Math.sqrt(sum);
            float[] source = p == null ? x : out;
            for (int c = 0; c < d; c++) {
                unit[c] = source[c] / norm;
            }
            return norm;
        }

        private static void throughNormalisation(double[] dHat, double[] hat, double norm, float[] du) {
            double projection = dot(dHat, hat);
            for (int c = 0; c < du.length; c++) {
                du[c] = (float) ((dHat[c] - hat[c] * projection) / norm);
            }
        }

        private static void addScaled(double[] y, double a, double[] x) {
            for (int c = 0; c < y.length; c++) {
                y[c] += a * x[c];
            }
        }

        private static double dot(double[] a, double[] b) {
            double sum = 0;
            for (int c = 0; c < a.length; c++) {
                sum += a[c] * b[c];
            }
            return sum;
        }
    }
}
