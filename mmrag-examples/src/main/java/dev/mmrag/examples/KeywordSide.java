package dev.mmrag.examples;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.core.HybridFusion;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.CommandLine.UsageException;
import dev.mmrag.lucene.LuceneKeywordIndex;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Style Finder's keyword side (hybrid retrieval): a {@link LuceneKeywordIndex} of each product's name,
 * brand, type, colour, pattern, description and id ({@link #FIELDS}), next to the HNSW index, and the fusion the
 * Style Finder uses ({@link #DEFAULT_FUSION} unless {@code --fusion SPEC} says otherwise).
 *
 * <p>Options it reads: {@code --no-keywords} (vector search only), {@code --fusion SPEC} with SPEC
 * {@code rrf:k=K,keyword=W,text=W,image=W} or {@code weighted:keyword=W,text=W,image=W} (omitted weights are 1,
 * omitted k is 60), and {@code --index FILE}, next to which the keyword index is {@code FILE}{@value #SUFFIX}.
 *
 * <p>Thread-safety: not thread-safe; one per command.
 */
final class KeywordSide implements AutoCloseable {

    /** The catalogue fields the keyword side indexes, weight 1 each. */
    static final KeywordFields FIELDS = KeywordFields.of("name", "brand", "type", "color", "pattern", "description",
            KeywordFields.ID);

    /** The file name suffix of the keyword index saved next to an HNSW index file. */
    static final String SUFFIX = ".keywords";

    /**
     * The Style Finder's fusion: reciprocal rank fusion with rank constant 5 and the keyword list weighted 2, the
     * text vector list 1, the image list 1; the best setting {@code eval --tune-fusion} found on
     * {@code keyword-queries-tune.jsonl} (see the README's hybrid section). The library's default stays
     * {@link HybridFusion#reciprocalRank()}.
     */
    static final HybridFusion DEFAULT_FUSION = HybridFusion.reciprocalRank(5, 2, 1, 1);

    /**
     * Lucene warns on Java 17 that it cannot use the Vector API module the launcher script adds (for the HNSW
     * store); the warning is noise for Style Finder users, so it is silenced (held here so that the setting stays).
     */
    private static final java.util.logging.Logger LUCENE_VECTORIZATION =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization.VectorizationProvider");

    static {
        LUCENE_VECTORIZATION.setLevel(java.util.logging.Level.SEVERE);
    }

    /** The switch that turns keyword search off, and the options this class reads. */
    static final String NO_KEYWORDS = "no-keywords";
    static final String FUSION = "fusion";
    static final String TUNE_FUSION = "tune-fusion";
    static final Set<String> OPTIONS = Set.of(FUSION);
    static final Set<String> SWITCHES = Set.of(NO_KEYWORDS, TUNE_FUSION);

    private final LuceneKeywordIndex index;
    private final HybridFusion fusion;

    private KeywordSide(LuceneKeywordIndex index, HybridFusion fusion) {
        this.index = index;
        this.fusion = fusion;
    }

    /**
     * Opens the keyword side for a command: off with {@code --no-keywords}; loaded from next to {@code --index
     * FILE} when that file exists; otherwise built from the catalogue's products that the vector store holds.
     *
     * @param line the command line
     * @param store the vector store the command uses (already filled)
     * @param err where notes go
     * @return the keyword side
     */
    static KeywordSide open(CommandLine line, VectorStore store, PrintStream err) {
        HybridFusion fusion = checkOptions(line);
        if (line.has(NO_KEYWORDS)) {
            return new KeywordSide(null, fusion);
        }
        String file = line.get("index");
        if (file != null) {
            Path saved = Path.of(file + SUFFIX);
            if (Files.exists(saved)) {
                LuceneKeywordIndex index = LuceneKeywordIndex.load(saved);
                err.println("Loaded the keyword index of " + index.count() + " products from " + saved);
                if (index.count() != store.count()) {
                    err.println("warning: the keyword index holds " + index.count() + " products but the index "
                            + store.count() + "; were they saved together? Rebuild both with the index command");
                }
                return new KeywordSide(index, fusion);
            }
            err.println("note: no keyword index next to " + file + " (" + saved + "); building it from the catalogue");
        }
        Path folder = line.path("catalog", null);
        Catalog catalog = Catalog.load(folder != null ? folder : Assets.styleCatalog());
        LuceneKeywordIndex index = LuceneKeywordIndex.create();
        List<KeywordDocument> documents = new ArrayList<>();
        for (Item item : catalog.items()) {
            Optional<VectorRecord> record = store.get(item.id());
            record.ifPresent(r -> documents.add(FIELDS.document(item, r.metadata())));
        }
        index.upsert(documents).throwIfFailed();
        return new KeywordSide(index, fusion);
    }

    /**
     * Checks this class's options before any slow work starts.
     *
     * @param line the command line
     * @return the fusion they name
     * @throws UsageException when they are malformed or do not go together
     */
    static HybridFusion checkOptions(CommandLine line) {
        HybridFusion fusion = parseFusion(line.get(FUSION));
        if (line.has(NO_KEYWORDS) && (line.get(FUSION) != null || line.has(TUNE_FUSION))) {
            throw new UsageException("--fusion and --tune-fusion need keyword search; they do not go with "
                    + "--no-keywords");
        }
        if (line.has(TUNE_FUSION) && line.get(FUSION) != null) {
            throw new UsageException("--tune-fusion searches the fusion settings; it does not go with --fusion");
        }
        return fusion;
    }

    /** @return whether keyword search is on */
    boolean enabled() {
        return index != null;
    }

    /** @return the keyword index, or null when keyword search is off */
    LuceneKeywordIndex index() {
        return index;
    }

    /** @return the fusion to use */
    HybridFusion fusion() {
        return fusion;
    }

    /**
     * @param builder a pipeline builder with encoder and store
     * @return the builder, with the keyword index, fields and fusion when keyword search is on
     */
    MultimodalRag.Builder configure(MultimodalRag.Builder builder) {
        return index == null ? builder : builder.keywordIndex(index).keywordFields(FIELDS).hybridFusion(fusion);
    }

    /**
     * Saves the keyword index next to a saved HNSW index.
     *
     * @param vectorFile the HNSW index file
     * @return the keyword index file, or null when keyword search is off
     */
    Path saveNextTo(Path vectorFile) {
        if (index == null) {
            return null;
        }
        Path file = Path.of(vectorFile + SUFFIX);
        index.save(file);
        return file;
    }

    /**
     * @param spec {@code rrf:k=K,keyword=W,text=W,image=W}, {@code weighted:keyword=W,text=W,image=W}, or null
     * @return the fusion it describes, or {@link #DEFAULT_FUSION} for null
     * @throws UsageException when the spec is malformed
     */
    static HybridFusion parseFusion(String spec) {
        if (spec == null) {
            return DEFAULT_FUSION;
        }
        String[] kindAndRest = spec.trim().split(":", 2);
        String kind = kindAndRest[0].toLowerCase(Locale.ROOT);
        if (!kind.equals("rrf") && !kind.equals("weighted")) {
            throw new UsageException("--fusion '" + spec + "' must start with rrf: or weighted:");
        }
        int k = HybridFusion.DEFAULT_RANK_CONSTANT;
        double keyword = 1;
        double text = 1;
        double image = 1;
        if (kindAndRest.length == 2 && !kindAndRest[1].isBlank()) {
            for (String part : kindAndRest[1].split(",")) {
                String[] nameValue = part.trim().split("=", 2);
                if (nameValue.length != 2) {
                    throw new UsageException("--fusion part '" + part + "' must be name=value");
                }
                try {
                    switch (nameValue[0].trim()) {
                        case "k":
                            if (!kind.equals("rrf")) {
                                throw new UsageException("--fusion k applies to rrf only");
                            }
                            k = Integer.parseInt(nameValue[1].trim());
                            break;
                        case "keyword":
                            keyword = Double.parseDouble(nameValue[1].trim());
                            break;
                        case "text":
                            text = Double.parseDouble(nameValue[1].trim());
                            break;
                        case "image":
                            image = Double.parseDouble(nameValue[1].trim());
                            break;
                        default:
                            throw new UsageException("--fusion part '" + part
                                    + "' names nothing known; expected k, keyword, text or image");
                    }
                } catch (NumberFormatException e) {
                    throw new UsageException("--fusion part '" + part + "' needs a number");
                }
            }
        }
        try {
            return kind.equals("rrf") ? HybridFusion.reciprocalRank(k, keyword, text, image)
                    : HybridFusion.weighted(keyword, text, image);
        } catch (InvalidInputException e) {
            throw new UsageException("--fusion '" + spec + "': " + e.getMessage());
        }
    }

    /**
     * @param fusion a fusion
     * @return its {@code --fusion} spec
     */
    static String spec(HybridFusion fusion) {
        String weights = "keyword=" + number(fusion.weight(HybridFusion.Source.KEYWORD))
                + ",text=" + number(fusion.weight(HybridFusion.Source.TEXT))
                + ",image=" + number(fusion.weight(HybridFusion.Source.IMAGE));
        return fusion.isWeighted() ? "weighted:" + weights : "rrf:k=" + fusion.rankConstant() + "," + weights;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    @Override
    public void close() {
        if (index != null) {
            index.close();
        }
    }
}
