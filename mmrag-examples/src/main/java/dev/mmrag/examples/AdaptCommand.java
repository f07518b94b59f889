package dev.mmrag.examples;

import dev.mmrag.adapt.AdapterRejectedException;
import dev.mmrag.adapt.BaseModelFingerprint;
import dev.mmrag.adapt.ContrastiveTrainer;
import dev.mmrag.adapt.EmbeddingCache;
import dev.mmrag.adapt.EpochReport;
import dev.mmrag.adapt.HeldOutQuery;
import dev.mmrag.adapt.HeldOutRecall;
import dev.mmrag.adapt.TrainerConfig;
import dev.mmrag.adapt.TrainingData;
import dev.mmrag.adapt.TrainingListener;
import dev.mmrag.adapt.TrainingPair;
import dev.mmrag.adapt.TrainingResult;
import dev.mmrag.api.Modality;
import dev.mmrag.examples.CommandLine.UsageException;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.onnx.ModelVariant;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The Style Finder's {@code adapt} command: trains a contrastive adapter for the CLIP model on the shop's own data
 * and writes it to a file that {@code find}, {@code index} and {@code eval} take with {@code --adapter}.
 *
 * <pre>
 * style-finder adapt [--pairs FILE.jsonl]... [--self-supervised] --out adapter.bin [--views 10] [--holdout 0.2]
 *                    [--epochs 60] [--rank 0] [--adapt image|text|both] [--seed 42] [--cache FILE] [--allow-loss]
 *                    [--force] [--catalog DIR] [--model DIR] [--quantized]
 * </pre>
 *
 * <ul>
 *   <li>{@code --pairs} (repeatable): labelled queries in the format of {@code eval} (a photo or a text, with
 *       {@code expected} or {@code relevant} product ids); {@code --holdout} of them (default 0.2, shuffled with the
 *       seed) are kept aside: early stopping, the choice of alpha and the before/after figures are measured on
 *       them;</li>
 *   <li>{@code --self-supervised}: {@code --views} augmented views of every catalogue photo (default 10), and
 *       texts from each product's metadata, paired with the photo. Without {@code --pairs}, two more views of
 *       each photo (other seeds) are the held-out queries;</li>
 *   <li>vectors are cached in {@code --cache} (default: the output file's name plus {@code .vectors}), so a second
 *       run encodes nothing;</li>
 *   <li>the trainer keeps only an (epoch, alpha) that lowers neither held-out recall@1 nor recall@5 (and the
 *       identity when none does); with {@code --allow-loss} it keeps the best recall@1 + recall@5 whatever drops,
 *       and then an adapter that lowers either is not written unless {@code --force} is given
 *       ({@link TrainingResult#save}).</li>
 * </ul>
 *
 * <p>Progress (epoch, loss, held-out recall) goes to the error stream: redrawn in place on a terminal, one line
 * per epoch otherwise.
 *
 * <p>Thread-safety: one instance runs one command at a time.
 */
final class AdaptCommand {

    /** The command's name. */
    static final String NAME = "adapt";

    static final String USAGE = String.join("\n",
            "Usage:",
            "  style-finder adapt [--pairs FILE.jsonl]... [--self-supervised] --out adapter.bin [--views 10]",
            "                     [--holdout 0.2] [--epochs 60] [--rank 0] [--adapt image|text|both] [--seed 42]",
            "                     [--cache FILE] [--allow-loss] [--force] [--catalog DIR] [--model DIR] [--quantized]",
            "",
            "Trains a contrastive adapter for the CLIP model on your labelled queries (--pairs, repeatable; the",
            "format of eval) and/or on the catalogue alone (--self-supervised: augmented views of each photo and",
            "texts from its metadata), and writes it to --out. find, index and eval take it with --adapter FILE.",
            "--holdout of the labelled queries (default 0.2) decide early stopping and alpha and give the figures.",
            "Only an adapter that lowers neither held-out recall@1 nor recall@5 is kept; with --allow-loss the best",
            "recall@1 + recall@5 is kept whatever drops, and an adapter that lowers either needs --force to be written.",
            "Vectors are cached in --cache (default: the --out file's name plus .vectors).",
            "");

    private static final Set<String> OPTIONS = Set.of("out", "views", "holdout", "epochs", "rank", "adapt", "seed",
            "cache", "catalog", "model");
    private static final Set<String> SWITCHES = Set.of("help", "self-supervised", "force", "allow-loss", "quantized");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    AdaptCommand(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /**
     * @param args the whole command line, starting with {@code adapt}
     * @return the exit code
     */
    int run(String[] args) {
        List<String> rest = new ArrayList<>();
        List<Path> pairFiles = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--pairs") || args[i].startsWith("--pairs=")) {
                String value = args[i].startsWith("--pairs=") ? args[i].substring("--pairs=".length())
                        : i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : null;
                if (value == null || value.isEmpty()) {
                    throw new UsageException("option --pairs needs a file");
                }
                pairFiles.add(Path.of(value));
            } else {
                rest.add(args[i]);
            }
        }
        CommandLine line = CommandLine.parse(rest.toArray(new String[0]), OPTIONS, SWITCHES);
        if (line.has("help")) {
            out.print(USAGE);
            return 0;
        }
        String target = line.get("out");
        if (target == null) {
            throw new UsageException("adapt needs --out FILE");
        }
        boolean selfSupervised = line.has("self-supervised");
        if (pairFiles.isEmpty() && !selfSupervised) {
            throw new UsageException("adapt needs --pairs FILE, --self-supervised, or both");
        }
        double holdout = fraction(line.get("holdout"));
        long seed = line.get("seed") == null ? 42 : parseLong(line.get("seed"));
        TrainerConfig config = TrainerConfig.builder().seed(seed).maxEpochs(line.integer("epochs", 60, 1))
                .rank(line.integer("rank", 0, 0)).modalities(modalities(line.get("adapt"))).requireNoLoss(!line.has("allow-loss")).build();
        Path outFile = Path.of(target);
        Path cacheFile = line.path("cache", Path.of(target + ".vectors"));

        Path model = line.path("model", null);
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(model != null ? model : Assets.miniClip())
                .variant(line.has("quantized") ? ModelVariant.QUANTIZED : ModelVariant.FULL).build()) {
            BaseModelFingerprint base = BaseModelFingerprint.of(clip);
            EmbeddingCache cache = EmbeddingCache.open(cacheFile, base);
            if (cache.discarded() != null) {
                err.println("note: " + cache.discarded());
            }
            Path folder = line.path("catalog", null);
            Catalog catalog = Catalog.load(folder != null ? folder : Assets.styleCatalog());
            AdaptationData data = new AdaptationData(clip, catalog, cache);

            List<LabelledQuery> fit = new ArrayList<>();
            List<LabelledQuery> validation = new ArrayList<>();
            for (Path file : pairFiles) {
                List<LabelledQuery> queries = new ArrayList<>(LabelledQuery.load(file));
                Collections.shuffle(queries, new Random(seed));
                int held = (int) Math.round(queries.size() * holdout);
                validation.addAll(queries.subList(0, held));
                fit.addAll(queries.subList(held, queries.size()));
            }
            err.println("Encoding the catalogue" + (selfSupervised ? ", " + views(line) + " views of each photo" : "")
                    + " and the queries (cached in " + cacheFile + ")...");
            List<TrainingPair> pairs = new ArrayList<>(data.labelledPairs(fit));
            if (selfSupervised) {
                pairs.addAll(data.views(views(line), seed));
                pairs.addAll(data.metadataTexts());
            }
            List<HeldOutQuery> heldOut = validation.isEmpty()
                    ? AdaptationData.asHeldOut(data.views(2, seed + 1)) : data.heldOut(validation);
            data.gallery();
            cache.save();
            err.printf(Locale.ROOT, "Encoded in %.1f s; %d training pairs, %d held-out queries (%s)%n",
                    data.encodingSeconds(), pairs.size(), heldOut.size(),
                    validation.isEmpty() ? "augmented views" : "labelled");

            TrainingResult result = new ContrastiveTrainer(config).train(
                    new TrainingData(Modality.IMAGE, data.gallery(), pairs, heldOut), base, progress());
            if (interactive) {
                err.println();
            }
            out.printf(Locale.ROOT, "Trained in %.1f s: best epoch %d of %d%s, alpha %.2f, %s%n",
                    result.elapsed().toMillis() / 1000.0, result.bestEpoch(), result.epochsRun(),
                    result.stoppedEarly() ? " (stopped early)" : "", result.adapter().alpha(), result.adapter());
            out.println("held-out    recall@1  recall@5  recall@10  MRR");
            out.println(row("base", result.before()));
            out.println(row("adapted", result.after()));
            if (result.bestEpoch() == 0) {
                out.println("No epoch improved on the base model; the adapter is the identity.");
            }
            try {
                result.save(outFile, line.has("force"));
            } catch (AdapterRejectedException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            if (result.lowersRecall()) {
                err.println("warning: " + result.verdict() + "; written anyway (--force)");
            }
            out.println("Wrote the adapter to " + outFile + " (fingerprint " + result.adapter().fingerprint().substring(0, 12)
                    + "); use it with find/index/eval --adapter " + outFile);
            out.println(String.format(Locale.ROOT, "RESULT r1_before=%.4f r1_after=%.4f r5_before=%.4f r5_after=%.4f "
                    + "train_s=%.1f encode_s=%.1f", result.before().recall1(), result.after().recall1(),
                    result.before().recall5(), result.after().recall5(), result.elapsed().toMillis() / 1000.0,
                    data.encodingSeconds()));
            return 0;
        }
    }

    private TrainingListener progress() {
        return report -> {
            String bar = bar(report);
            if (interactive) {
                err.print("\r" + bar);
            } else {
                err.println(bar);
            }
            err.flush();
        };
    }

    private static String bar(EpochReport report) {
        int width = 20;
        int filled = (int) Math.round(width * report.epoch() / (double) report.maxEpochs());
        HeldOutRecall h = report.heldOut();
        return String.format(Locale.ROOT, "epoch %3d/%d [%s%s] loss %.4f  held-out recall@1 %.3f @5 %.3f @10 %.3f%s",
                report.epoch(), report.maxEpochs(), "#".repeat(filled), ".".repeat(width - filled), report.loss(),
                h.recall1(), h.recall5(), h.recall10(), report.best() ? "  (best)" : "");
    }

    private static String row(String name, HeldOutRecall figures) {
        return String.format(Locale.ROOT, "%-10s  %.4f    %.4f    %.4f     %.4f", name, figures.recall1(),
                figures.recall5(), figures.recall10(), figures.mrr());
    }

    private static int views(CommandLine line) {
        return line.integer("views", 10, 1);
    }

    private static Set<Modality> modalities(String value) {
        if (value == null || value.equals("image")) {
            return EnumSet.of(Modality.IMAGE);
        }
        if (value.equals("text")) {
            return EnumSet.of(Modality.TEXT);
        }
        if (value.equals("both")) {
            return EnumSet.allOf(Modality.class);
        }
        throw new UsageException("option --adapt is '" + value + "'; expected image, text or both");
    }

    private static double fraction(String value) {
        if (value == null) {
            return 0.2;
        }
        try {
            double f = Double.parseDouble(value);
            if (!(f >= 0 && f < 1)) {
                throw new UsageException("option --holdout is " + value + "; expected a fraction in [0, 1)");
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("option --holdout needs a number, got '" + value + "'");
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("option --seed needs a whole number, got '" + value + "'");
        }
    }
}
