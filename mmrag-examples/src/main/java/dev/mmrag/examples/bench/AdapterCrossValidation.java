package dev.mmrag.examples.bench;

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
import dev.mmrag.api.Modality;
import dev.mmrag.examples.AdaptationData;
import dev.mmrag.examples.Assets;
import dev.mmrag.examples.Catalog;
import dev.mmrag.examples.LabelledQuery;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Measures what contrastive adaptation gains on the bundled style catalogue, on queries the trainer never saw.
 *
 * <ol>
 *   <li><b>Cross-validation</b>: the 320 labelled shopper photos are shuffled (seed 7) and cut into 5 folds. For
 *       each fold, the adapter is trained on the other four fifths (less {@code --holdout} of them, kept aside for
 *       early stopping and alpha) plus the self-supervised pairs (augmented views of every catalogue photo and
 *       texts from its metadata), and tested on the held-out fifth (image recall) and on all 200 text queries
 *       (which are never trained on). Mean and standard deviation over the folds.</li>
 *   <li><b>Catalogue only</b>: no labelled query at all: trained on the self-supervised pairs, early stopping on
 *       two more augmented views per product (other seeds), tested on all 320 photos and 200 texts.</li>
 * </ol>
 *
 * <p>Usage: {@code AdapterCrossValidation [--views 10] [--folds 5] [--holdout 0.2] [--temperature T] [--lr LR]
 * [--weight-decay WD] [--rank R] [--batch B] [--epochs E] [--patience P] [--modalities image|text|both]
 * [--seed S] [--cache FILE]}; the trainer's settings default to {@link TrainerConfig}'s. Vectors are cached in
 * {@code --cache} (default {@code target/adapter-vectors.bin} under the working directory), so a second run
 * encodes nothing. The last line is {@code RESULT cv_r1_before=.. cv_r1_after=.. cv_r5_before=.. cv_r5_after=..
 * cv_text_r5_after=.. catalog_r1_after=.. catalog_r5_after=..}.
 *
 * <p>Thread-safety: a program; not meant to be called concurrently.
 */
public final class AdapterCrossValidation {

    private AdapterCrossValidation() {
    }

    /**
     * @param args see the class description
     */
    public static void main(String[] args) {
        Map<String, String> options = Options.parse(args);
        int views = Integer.parseInt(options.getOrDefault("views", "10"));
        int folds = Integer.parseInt(options.getOrDefault("folds", "5"));
        double holdout = Double.parseDouble(options.getOrDefault("holdout", "0.2"));
        TrainerConfig config = config(options);
        Path cacheFile = Path.of(options.getOrDefault("cache", "target/adapter-vectors.bin"));
        boolean skipCatalogOnly = options.containsKey("skip-catalog-only");
        boolean skipCv = options.containsKey("skip-cv");

        System.out.println("AdapterCrossValidation: bundled catalogue and queries, mini-clip, " + views
                + " views per product, " + folds + " folds, holdout " + holdout);
        System.out.println("config: " + config);
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Assets.miniClip()).build()) {
            BaseModelFingerprint base = BaseModelFingerprint.of(clip);
            EmbeddingCache cache = EmbeddingCache.open(cacheFile, base);
            Catalog catalog = Catalog.load(Assets.styleCatalog());
            AdaptationData data = new AdaptationData(clip, catalog, cache);
            List<LabelledQuery> photos = LabelledQuery.load(Assets.styleQueries().resolve("image-queries.jsonl"));
            List<LabelledQuery> texts = LabelledQuery.load(Assets.styleQueries().resolve("text-queries.jsonl"));
            Map<String, float[]> gallery = data.gallery();
            List<TrainingPair> viewPairs = data.views(views, 1);
            List<TrainingPair> metadata = data.metadataTexts();
            List<HeldOutQuery> textQueries = data.heldOut(texts);
            cache.save();
            System.out.printf(Locale.ROOT, "encoded what was not cached in %.1f s (%d vectors cached)%n",
                    data.encodingSeconds(), cache.size());

            List<Figures> cv = new ArrayList<>();
            if (!skipCv) {
                List<LabelledQuery> shuffled = new ArrayList<>(photos);
                java.util.Collections.shuffle(shuffled, new Random(7));
                System.out.println();
                System.out.println("fold | base r@1 r@5 r@10 | adapted r@1 r@5 r@10 | text r@5 base adapted | alpha epoch train_s");
                for (int f = 0; f < folds; f++) {
                    List<LabelledQuery> test = new ArrayList<>();
                    List<LabelledQuery> train = new ArrayList<>();
                    for (int i = 0; i < shuffled.size(); i++) {
                        (i % folds == f ? test : train).add(shuffled.get(i));
                    }
                    int validationSize = (int) Math.round(train.size() * holdout);
                    List<LabelledQuery> validation = train.subList(0, validationSize);
                    List<LabelledQuery> fit = train.subList(validationSize, train.size());
                    List<TrainingPair> pairs = new ArrayList<>(data.labelledPairs(fit));
                    pairs.addAll(viewPairs);
                    pairs.addAll(metadata);
                    List<HeldOutQuery> heldOut = validationSize > 0 ? data.heldOut(validation)
                            : AdaptationData.asHeldOut(data.views(2, 2));
                    TrainingResult result = new ContrastiveTrainer(config)
                            .train(new TrainingData(Modality.IMAGE, gallery, pairs, heldOut), base, null);
                    Figures figures = Figures.of(result, gallery, data.heldOut(test), textQueries, base);
                    cv.add(figures);
                    System.out.println(String.format(Locale.ROOT, "%4d | ", f + 1) + figures);
                }
                System.out.println("mean | " + summary(cv));
            }

            Figures catalogOnly = null;
            if (!skipCatalogOnly) {
                List<TrainingPair> pairs = new ArrayList<>(viewPairs);
                pairs.addAll(metadata);
                List<HeldOutQuery> heldOut = AdaptationData.asHeldOut(data.views(2, 2));
                cache.save();
                TrainingResult result = new ContrastiveTrainer(config)
                        .train(new TrainingData(Modality.IMAGE, gallery, pairs, heldOut), base, null);
                catalogOnly = Figures.of(result, gallery, data.heldOut(photos), textQueries, base);
                System.out.println();
                System.out.println("catalogue only (no labelled queries), tested on all 320 photos:");
                System.out.println("     | " + catalogOnly);
            }
            System.out.println(String.format(Locale.ROOT, "RESULT cv_r1_before=%.4f cv_r1_after=%.4f cv_r5_before=%.4f "
                    + "cv_r5_after=%.4f cv_text_r5_after=%.4f catalog_r1_after=%.4f catalog_r5_after=%.4f",
                    mean(cv, x -> x.base.recall1()), mean(cv, x -> x.adapted.recall1()), mean(cv, x -> x.base.recall5()),
                    mean(cv, x -> x.adapted.recall5()), mean(cv, x -> x.textAdapted.recall5()),
                    catalogOnly == null ? Double.NaN : catalogOnly.adapted.recall1(),
                    catalogOnly == null ? Double.NaN : catalogOnly.adapted.recall5()));
        }
    }

    static TrainerConfig config(Map<String, String> options) {
        TrainerConfig.Builder b = TrainerConfig.builder();
        if (options.containsKey("temperature")) {
            b.temperature(Double.parseDouble(options.get("temperature")));
        }
        if (options.containsKey("lr")) {
            b.learningRate(Double.parseDouble(options.get("lr")));
        }
        if (options.containsKey("weight-decay")) {
            b.weightDecay(Double.parseDouble(options.get("weight-decay")));
        }
        if (options.containsKey("rank")) {
            b.rank(Integer.parseInt(options.get("rank")));
        }
        if (options.containsKey("batch")) {
            b.batchSize(Integer.parseInt(options.get("batch")));
        }
        if (options.containsKey("epochs")) {
            b.maxEpochs(Integer.parseInt(options.get("epochs")));
        }
        if (options.containsKey("patience")) {
            b.patience(Integer.parseInt(options.get("patience")));
        }
        if (options.containsKey("seed")) {
            b.seed(Long.parseLong(options.get("seed")));
        }
        if (options.containsKey("allow-loss")) {
            b.requireNoLoss(false);
        }
        if (options.containsKey("modalities")) {
            String m = options.get("modalities");
            b.modalities(m.equals("both") ? EnumSet.allOf(Modality.class)
                    : Set.of(Modality.valueOf(m.toUpperCase(Locale.ROOT))));
        }
        return b.build();
    }

    private static double mean(List<Figures> figures, ToDoubleFunction<Figures> f) {
        return figures.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double std(List<Figures> figures, ToDoubleFunction<Figures> f) {
        double m = mean(figures, f);
        return Math.sqrt(figures.stream().mapToDouble(x -> Math.pow(f.applyAsDouble(x) - m, 2)).sum()
                / Math.max(1, figures.size() - 1));
    }

    private static String summary(List<Figures> cv) {
        return String.format(Locale.ROOT, "%.3f±%.3f %.3f±%.3f %.3f | %.3f±%.3f %.3f±%.3f %.3f | %.3f %.3f±%.3f",
                mean(cv, x -> x.base.recall1()), std(cv, x -> x.base.recall1()), mean(cv, x -> x.base.recall5()),
                std(cv, x -> x.base.recall5()), mean(cv, x -> x.base.recall10()), mean(cv, x -> x.adapted.recall1()),
                std(cv, x -> x.adapted.recall1()), mean(cv, x -> x.adapted.recall5()), std(cv, x -> x.adapted.recall5()),
                mean(cv, x -> x.adapted.recall10()), mean(cv, x -> x.textBase.recall5()),
                mean(cv, x -> x.textAdapted.recall5()), std(cv, x -> x.textAdapted.recall5()));
    }

    /** One run's test figures. */
    private static final class Figures {
        final HeldOutRecall base;
        final HeldOutRecall adapted;
        final HeldOutRecall textBase;
        final HeldOutRecall textAdapted;
        final TrainingResult result;

        Figures(HeldOutRecall base, HeldOutRecall adapted, HeldOutRecall textBase, HeldOutRecall textAdapted,
                TrainingResult result) {
            this.base = base;
            this.adapted = adapted;
            this.textBase = textBase;
            this.textAdapted = textAdapted;
            this.result = result;
        }

        static Figures of(TrainingResult result, Map<String, float[]> gallery, List<HeldOutQuery> test,
                List<HeldOutQuery> texts, BaseModelFingerprint base) {
            LinearAdapter identity = LinearAdapter.identity(base);
            return new Figures(HeldOutRecall.measure(identity, Modality.IMAGE, gallery, test),
                    HeldOutRecall.measure(result.adapter(), Modality.IMAGE, gallery, test),
                    HeldOutRecall.measure(identity, Modality.IMAGE, gallery, texts),
                    HeldOutRecall.measure(result.adapter(), Modality.IMAGE, gallery, texts), result);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f %.3f %.3f | %.3f %.3f %.3f | %.3f %.3f | %.2f %d/%d %.1f",
                    base.recall1(), base.recall5(), base.recall10(), adapted.recall1(), adapted.recall5(),
                    adapted.recall10(), textBase.recall5(), textAdapted.recall5(), result.adapter().alpha(),
                    result.bestEpoch(), result.epochsRun(), result.elapsed().toMillis() / 1000.0);
        }
    }
}
