package dev.mmrag.examples.bench;

import dev.mmrag.adapt.AdaptedEncoder;
import dev.mmrag.adapt.BaseModelFingerprint;
import dev.mmrag.adapt.ContrastiveTrainer;
import dev.mmrag.adapt.EmbeddingCache;
import dev.mmrag.adapt.HeldOutQuery;
import dev.mmrag.adapt.HeldOutRecall;
import dev.mmrag.adapt.LinearAdapter;
import dev.mmrag.adapt.TrainerConfig;
import dev.mmrag.adapt.TrainingData;
import dev.mmrag.adapt.TrainingPair;
import dev.mmrag.adapt.TrainingResult;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Query;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.AdaptationData;
import dev.mmrag.examples.Assets;
import dev.mmrag.examples.Catalog;
import dev.mmrag.examples.LabelledQuery;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The cost and the gain of contrastive adaptation on the bundled catalogue, in one run:
 * <ol>
 *   <li><b>encode</b>: making {@code --views} augmented views (default 10) of each of the 320 catalogue photos and
 *       encoding them with the bundled CLIP, plus the catalogue photos, their metadata texts and the labelled
 *       photos (nothing is cached between runs: an in-memory cache only);</li>
 *   <li><b>train</b>: the trainer's defaults on the labelled photos outside the test fifth (the first of the 5
 *       cross-validation folds of {@code AdapterCrossValidation}: shuffled with seed 7, every fifth), 20% of them
 *       held out for early stopping and alpha, plus the views and texts; vectors only, one thread;</li>
 *   <li><b>recall</b>: the test fifth's 64 photos, which training never saw, against the catalogue, before and
 *       after;</li>
 *   <li><b>query latency</b>: a whole {@code MultimodalRag.retrieve} of each test photo (CLIP encoding, the adapter
 *       or not, HNSW search of the 320 products), each query run without and with the adapter back to back (the
 *       order alternating), in {@code --rounds} rounds (default 15); {@code query_overhead} is the median of the
 *       rounds' time ratios minus one. The adapter alone (one 64 x 64 map and a normalisation) is timed too: it
 *       bounds what the overhead can be on a quiet machine.</li>
 * </ol>
 *
 * <p>Usage: {@code AdapterBenchmark [--views 10] [--rounds 15]}. The last line is
 * {@code RESULT train_s=.. encode_s=.. query_overhead=.. r1_before=.. r1_after=.. r5_before=.. r5_after=..}.
 *
 * <p>Thread-safety: a program; not meant to be called concurrently.
 */
public final class AdapterBenchmark {

    private AdapterBenchmark() {
    }

    /**
     * @param args see the class description
     */
    public static void main(String[] args) {
        Map<String, String> options = Options.parse(args);
        int views = Integer.parseInt(options.getOrDefault("views", "10"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "15"));
        TrainerConfig config = TrainerConfig.builder().build();
        System.out.println("AdapterBenchmark: bundled mini-clip, 320 products, " + views + " views each, " + rounds
                + " latency rounds, " + Runtime.getRuntime().availableProcessors() + " processors, Vector API "
                + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "off"));
        System.out.println("trainer: " + config);
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Assets.miniClip()).build()) {
            BaseModelFingerprint base = BaseModelFingerprint.of(clip);
            Catalog catalog = Catalog.load(Assets.styleCatalog());
            AdaptationData data = new AdaptationData(clip, catalog, EmbeddingCache.open(null, base));
            List<LabelledQuery> photos = new ArrayList<>(
                    LabelledQuery.load(Assets.styleQueries().resolve("image-queries.jsonl")));
            Collections.shuffle(photos, new Random(7));
            List<LabelledQuery> test = new ArrayList<>();
            List<LabelledQuery> train = new ArrayList<>();
            for (int i = 0; i < photos.size(); i++) {
                (i % 5 == 0 ? test : train).add(photos.get(i));
            }
            int validationSize = (int) Math.round(train.size() * 0.2);

            long start = System.nanoTime();
            Map<String, float[]> gallery = data.gallery();
            List<TrainingPair> pairs = new ArrayList<>(data.labelledPairs(train.subList(validationSize, train.size())));
            pairs.addAll(data.views(views, 1));
            pairs.addAll(data.metadataTexts());
            List<HeldOutQuery> validation = data.heldOut(train.subList(0, validationSize));
            List<HeldOutQuery> testQueries = data.heldOut(test);
            double encodeSeconds = (System.nanoTime() - start) / 1e9;

            TrainingResult result = new ContrastiveTrainer(config)
                    .train(new TrainingData(Modality.IMAGE, gallery, pairs, validation), base, null);
            double trainSeconds = result.elapsed().toNanos() / 1e9;
            LinearAdapter adapter = result.adapter();
            HeldOutRecall before = HeldOutRecall.measure(LinearAdapter.identity(base), Modality.IMAGE, gallery, testQueries);
            HeldOutRecall after = HeldOutRecall.measure(adapter, Modality.IMAGE, gallery, testQueries);

            System.out.println();
            System.out.printf(Locale.ROOT, "encode: %d views made and encoded, plus %d catalogue photos, %d labelled "
                    + "photos and %d metadata texts encoded, in %.1f s%n", views * catalog.items().size(),
                    catalog.items().size(), photos.size(), data.metadataTexts().size(), encodeSeconds);
            System.out.printf(Locale.ROOT, "train: %d pairs, best epoch %d of %d, alpha %.2f, %.1f s%n", pairs.size(),
                    result.bestEpoch(), result.epochsRun(), adapter.alpha(), trainSeconds);
            System.out.println();
            System.out.println("64 unseen photos | recall@1 | recall@5 | recall@10 | MRR");
            System.out.printf(Locale.ROOT, "base             | %.4f   | %.4f   | %.4f    | %.4f%n", before.recall1(),
                    before.recall5(), before.recall10(), before.mrr());
            System.out.printf(Locale.ROOT, "adapted          | %.4f   | %.4f   | %.4f    | %.4f%n", after.recall1(),
                    after.recall5(), after.recall10(), after.mrr());

            Encoder adapted = AdaptedEncoder.of(clip, adapter);
            MultimodalRag plain = rag(clip, clip, catalog);
            MultimodalRag withAdapter = rag(adapted, clip, catalog);
            List<Query> queries = new ArrayList<>();
            for (LabelledQuery q : test) {
                queries.add(q.toQuery(10));
            }
            timeQueries(plain, withAdapter, queries, new double[2], 0); // warm up both
            double[] ratios = new double[rounds];
            double[] baseMs = new double[rounds];
            double[] adaptedMs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double[] sums = new double[2];
                timeQueries(plain, withAdapter, queries, sums, r);
                baseMs[r] = sums[0] / queries.size();
                adaptedMs[r] = sums[1] / queries.size();
                ratios[r] = sums[1] / sums[0];
            }
            double overhead = median(ratios) - 1;
            double applyMicros = timeApply(adapter, testQueries);
            System.out.println();
            System.out.printf(Locale.ROOT, "query latency (retrieve one photo; medians of %d rounds of %d queries, each "
                    + "query run without and with the adapter back to back): base %.3f ms, adapted %.3f ms, overhead "
                    + "%+.2f%% (median of the rounds' ratios); the adapter alone %.2f us per vector (%.3f%% of a base "
                    + "query)%n", rounds, queries.size(), median(baseMs), median(adaptedMs), overhead * 100,
                    applyMicros, applyMicros / 10 / median(baseMs));
            System.out.println(String.format(Locale.ROOT, "RESULT train_s=%.2f encode_s=%.1f query_overhead=%.4f "
                    + "r1_before=%.4f r1_after=%.4f r5_before=%.4f r5_after=%.4f", trainSeconds, encodeSeconds, overhead,
                    before.recall1(), after.recall1(), before.recall5(), after.recall5()));
        }
    }

    /** A pipeline over an HNSW index of the catalogue built through {@code encoder}. */
    private static MultimodalRag rag(Encoder encoder, ClipOnnxEncoder clip, Catalog catalog) {
        HnswVectorStore store = HnswVectorStore.builder(clip.dimension(), Metric.COSINE)
                .initialCapacity(catalog.items().size()).build();
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).build();
        rag.index(catalog.items());
        return rag;
    }

    /**
     * Runs each query through both pipelines back to back (which goes first alternates, by query and round) and
     * adds the milliseconds to {@code sums[0]} (base) and {@code sums[1]} (adapted).
     */
    private static void timeQueries(MultimodalRag plain, MultimodalRag adapted, List<Query> queries, double[] sums,
            int round) {
        for (int i = 0; i < queries.size(); i++) {
            boolean plainFirst = (i + round) % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean runPlain = (k == 0) == plainFirst;
                long start = System.nanoTime();
                (runPlain ? plain : adapted).retrieve(queries.get(i));
                sums[runPlain ? 0 : 1] += (System.nanoTime() - start) / 1e6;
            }
        }
    }

    /** @return microseconds per {@link LinearAdapter#apply} */
    private static double timeApply(LinearAdapter adapter, List<HeldOutQuery> queries) {
        double best = Double.MAX_VALUE;
        float sink = 0;
        for (int r = 0; r < 20; r++) {
            long start = System.nanoTime();
            for (int k = 0; k < 50; k++) {
                for (HeldOutQuery q : queries) {
                    sink += adapter.apply(Modality.IMAGE, q.vector())[0];
                }
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e3 / (50.0 * queries.size()));
        }
        if (sink == 12345.678f) {
            System.out.println(); // keeps the JIT from dropping the loop
        }
        return best;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
