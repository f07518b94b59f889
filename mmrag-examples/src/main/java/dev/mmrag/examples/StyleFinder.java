package dev.mmrag.examples;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.Generator;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.IndexingListener;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.Metric;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.TrustedImageSources;
import dev.mmrag.api.StoreException;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.core.io.SafeFile;
import dev.mmrag.examples.CommandLine.UsageException;
import dev.mmrag.langchain4j.LangChain4jGenerator;
import dev.mmrag.langchain4j.LlmProvider;
import dev.mmrag.langchain4j.ProviderGeneratorBuilder;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Style Finder: a shopper's photo (or words) in, similar catalogue products with prices and purchase links
 * out, with an answer written around them. It runs the whole mmrag pipeline: CLIP on ONNX Runtime
 * ({@link ClipOnnxEncoder}), an in-memory HNSW index ({@link HnswVectorStore}), the default retriever and
 * augmenter, and the offline {@link TemplateGenerator} or a language model through LangChain4j.
 *
 * <p>Run {@code java -jar mmrag-examples/target/style-finder.jar --help} for the commands. Without options it
 * uses the model and catalogue bundled in the repository's {@code assets/} folder.
 *
 * <p>Thread-safety: one instance runs one command at a time.
 */
public final class StyleFinder {

    static final String USAGE = String.join("\n",
            "Style Finder: find catalogue products that look like a photo, or match a description.",
            "",
            "Usage:",
            "  style-finder find  (--image PATH | --text TEXT | both) [--k 5] [--index FILE] [common options]",
            "                     [--llm none|openai|ollama|anthropic|gemini] [--llm-model NAME] [--base-url URL]",
            "                     [--stream] [--no-keywords] [--fusion SPEC]",
            "  style-finder index --out FILE [common options]",
            "  style-finder eval  [--queries FILE.jsonl] [--k 10] [--index FILE] [common options]",
            "                     [--no-keywords] [--fusion SPEC] [--tune-fusion]",
            ServeCommand.USAGE_LINE,
            "  style-finder adapt [--pairs FILE.jsonl]... [--self-supervised] --out adapter.bin (adapt --help)",
            "  style-finder --help",
            "",
            "Commands:",
            "  find    Index the catalogue (or load --index FILE), retrieve the --k products most similar to the",
            "          photo and/or text, and print an answer with each product's name, price, link and score.",
            "  index   Index the catalogue and save the index to --out FILE, so that find/eval --index start at once.",
            "  eval    Run labelled queries (JSON Lines: 'image' path relative to the file and/or 'text', with",
            "          'expected' id or 'relevant' ids) and print recall@1, recall@5, recall@10, MRR and queries/s.",
            "          Default: the bundled image queries. With keyword search on it prints vector-only figures too.",
            "",
            "Hybrid retrieval (find, eval): text is also searched in a keyword index (BM25) of each product's",
            "name, brand, type, colour, pattern, description and id, and the rankings are fused, so brands and",
            "product codes (\"SKU 0042\") are found. It is saved next to an --index FILE as FILE.keywords.",
            "  --no-keywords    vector search only",
            "  --fusion SPEC    rrf:k=K,keyword=W,text=W,image=W or weighted:keyword=W,text=W,image=W",
            "                   (default " + KeywordSide.spec(KeywordSide.DEFAULT_FUSION) + ")",
            "  --tune-fusion    (eval) try a grid of fusion settings on the queries and print the best",
            ServeCommand.HELP,
            "  adapt   Train a contrastive adapter for the model on labelled queries and/or the catalogue alone.",
            "",
            "Common options:",
            "  --catalog DIR    catalogue folder with catalog.jsonl and images (default: the bundled one)",
            "  --model DIR      CLIP model directory, e.g. a ViT-B/32 ONNX export (default: the bundled mini-clip)",
            "  --quantized      use the model's *_quantized.onnx files",
            "  --adapter FILE   encode through an adapter trained by 'adapt' (an --index must be built with it)",
            "",
            "Language models (find):",
            "  --llm NAME       none (default: an offline answer from a template), openai, ollama, anthropic, gemini",
            "  --llm-model NAME the provider's model (defaults: gpt-4o-mini, llava, claude-haiku-4-5-20251001,",
            "                   gemini-2.5-flash)",
            "  --base-url URL   the provider's endpoint, e.g. an OpenAI-compatible server or a remote Ollama",
            "  --stream         print the answer as it is generated",
            "  Keys are read from OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY. If the model fails, the",
            "  offline answer is printed instead and marked as a fallback.",
            "",
            VideoCommands.USAGE,
            AudioCommands.USAGE);

    private static final Set<String> OPTIONS = with(with(with(with(with(Set.of(), "image", "text", "k", "catalog",
            "model", "index", "out", "queries", "llm", "llm-model", "base-url", AdapterOption.NAME),
            KeywordSide.OPTIONS.toArray(new String[0])), ServeCommand.OPTIONS.toArray(new String[0])),
            VideoCommands.OPTIONS.toArray(new String[0])), AudioCommands.OPTIONS.toArray(new String[0]));
    private static final Set<String> SWITCHES = with(with(Set.of("help", "stream", "quantized"),
            KeywordSide.SWITCHES.toArray(new String[0])), VideoCommands.SWITCHES.toArray(new String[0]));
    private static final Set<String> VIDEO = with(VideoCommands.OPTIONS, VideoCommands.SWITCHES.toArray(new String[0]));
    private static final Set<String> COMMON = Set.of("catalog", "model", "quantized", AdapterOption.NAME);
    private static final String[] AUDIO = AudioCommands.OPTIONS.toArray(new String[0]);

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    /** Runs {@code serve}; tests stop it with {@link ServeCommand#stop()}. */
    final ServeCommand serveCommand = new ServeCommand();

    /**
     * @param out where answers and results go
     * @param err where progress, warnings and errors go
     * @param interactive whether {@code err} is a terminal (progress is then redrawn in place)
     */
    StyleFinder(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /**
     * Runs the Style Finder and exits with 0 on success, 1 when the command failed, 2 on a usage error.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new StyleFinder(System.out, System.err, System.console() != null).run(args));
    }

    /**
     * @param args the command line
     * @return the exit code: 0 on success, 1 when the command failed, 2 on a usage error
     */
    int run(String[] args) {
        try {
            if (args.length > 0 && args[0].equals(AdaptCommand.NAME)) {
                return new AdaptCommand(out, err, interactive).run(args);
            }
            CommandLine line = CommandLine.parse(args, OPTIONS, SWITCHES);
            if (line.has("help") || line.command() == null) {
                (line.has("help") ? out : err).print(USAGE);
                return line.has("help") ? 0 : 2;
            }
            switch (line.command()) {
                case "find":
                    return find(line);
                case "index":
                    return index(line);
                case "eval":
                    return eval(line);
                case "serve":
                    return serve(line);
                default:
                    throw new UsageException("unknown command '" + line.command()
                            + "'; expected find, index, eval, serve or adapt");
            }
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help to see the commands and options.");
            return 2;
        } catch (MmragException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private int find(CommandLine line) {
        line.allowOnly(with(with(with(COMMON, "image", "text", "k", "index", "llm", "llm-model", "base-url", "stream",
                KeywordSide.NO_KEYWORDS, KeywordSide.FUSION), VIDEO.toArray(new String[0])), AUDIO));
        KeywordSide.checkOptions(line);
        String text = line.get("text");
        Path image = line.path("image", null);
        if (text == null && image == null && line.get("voice") == null) {
            throw new UsageException("find needs --image PATH, --text TEXT, or both (or --voice FILE)");
        }
        Query.Builder query = Query.builder().text(text).topK(line.integer("k", Query.DEFAULT_TOP_K, 1));
        if (image != null) {
            query.image(image);
        }
        Generator generator = generator(line);
        try (ClipOnnxEncoder encoder = openEncoder(line)) {
            if (image != null) {
                encoder.encode(ImageContent.of(image)); // an unreadable photo fails now, before the catalogue is indexed
            }
            if (line.get("voice") != null) {
                String heard = AudioCommands.hear(line, encoder, out, System::getenv);
                query.text(text == null ? heard : text + " " + heard);
            }
            if (line.get("audio") != null) {
                return AudioCommands.find(line, encoder, generator, query.build(), this::buildCatalogue,
                        rag -> printAnswer(rag, query.build(), line.has("stream")), err);
            }
            if (line.get("videos") != null) {
                if (line.get(AdapterOption.NAME) != null) {
                    throw new UsageException("--" + AdapterOption.NAME + " does not apply to --videos yet");
                }
                return VideoCommands.find(line, encoder, generator, query.build(), this::buildCatalogue,
                        rag -> printAnswer(rag, query.build(), line.has("stream")), err);
            }
            AdapterOption adapter = AdapterOption.of(line);
            try (HnswVectorStore store = openIndex(line, encoder, adapter);
                    KeywordSide keywords = KeywordSide.open(line, store, err)) {
                MultimodalRag rag = keywords.configure(MultimodalRag.builder().encoder(adapter.wrap(encoder))
                        .store(store)).generator(generator).build();
                printAnswer(rag, query.build(), line.has("stream"));
                return 0;
            }
        }
    }

    private void printAnswer(MultimodalRag rag, Query query, boolean stream) {
        Answer answer;
        if (stream) {
            answer = rag.ask(query, piece -> {
                out.print(piece);
                out.flush();
            });
            out.println();
        } else {
            answer = rag.ask(query);
            out.println(answer.text());
        }
        if (answer.fallback()) {
            err.println("note: the language model could not answer; this is the offline answer.");
        }
        if (!answer.generator().equals(TemplateGenerator.NAME)) {
            out.println();
            out.println("Sources:");
            List<Retrieved> sources = answer.sources();
            for (int i = 0; i < sources.size(); i++) {
                Retrieved source = sources.get(i);
                out.printf(Locale.ROOT, "  [%d] %s - %s (score %.3f)%n", i + 1,
                        source.text("name").orElse(source.id()), source.text("url").orElse("no link"), source.score());
            }
        }
        for (String warning : answer.warnings()) {
            err.println("warning: " + warning);
        }
    }

    private int index(CommandLine line) {
        if (line.get("videos") != null) {
            throw new UsageException("index --videos is not available yet: the saved index is an HNSW store, which "
                    + "does not hold videos yet; use find --videos DIR, which indexes the catalogue and the videos");
        }
        if (line.get("audio") != null) {
            throw new UsageException("index --audio is not available yet: the saved index is an HNSW store, which "
                    + "does not hold segmented items yet; use find --audio DIR");
        }
        line.allowOnly(with(COMMON, "out", KeywordSide.NO_KEYWORDS));
        String out = line.get("out");
        if (out == null) {
            throw new UsageException("index needs --out FILE");
        }
        Path target = checkedSaveTarget(out);
        AdapterOption adapter = AdapterOption.of(line);
        try (ClipOnnxEncoder encoder = openEncoder(line); HnswVectorStore store = buildIndex(line, encoder, adapter);
                KeywordSide keywords = KeywordSide.open(line, store, err)) {
            store.save(target);
            this.out.println("Saved the index of " + store.count() + " products to " + out);
            Path saved = keywords.saveNextTo(Path.of(out));
            if (saved != null) {
                this.out.println("Saved the keyword index to " + saved);
            }
            return 0;
        }
    }

    /**
     * Checks before indexing, which takes a while, that {@code --out} names a file a save may create or replace
     * (see {@link SafeFile}); the save checks again.
     */
    private static Path checkedSaveTarget(String out) {
        try {
            Path target = Path.of(out);
            SafeFile.checkTarget(target, SafeFile.Symlinks.REFUSE);
            return target;
        } catch (InvalidPathException e) {
            throw new InvalidInputException("--out " + out + " is not a valid path: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreException("cannot save the index to " + out + ": " + e.getMessage(), e);
        }
    }

    private int eval(CommandLine line) {
        if (line.get("videos") != null) {
            if (line.get(AdapterOption.NAME) != null) {
                throw new UsageException("--" + AdapterOption.NAME + " does not apply to --videos yet");
            }
            line.allowOnly(with(with(with(COMMON, "queries", "k"), VIDEO.toArray(new String[0])), "transcriber",
                    "transcriber-url", "transcriber-model"));
            try (ClipOnnxEncoder encoder = openEncoder(line);
                    dev.mmrag.core.ExactVectorStore store = new dev.mmrag.core.ExactVectorStore(encoder.dimension(),
                            Metric.COSINE)) {
                return VideoCommands.eval(line, encoder, store, out, err);
            }
        }
        line.allowOnly(with(COMMON, "queries", "k", "index", KeywordSide.NO_KEYWORDS, KeywordSide.FUSION,
                KeywordSide.TUNE_FUSION));
        KeywordSide.checkOptions(line);
        Path file = line.path("queries", Assets.styleQueries().resolve("image-queries.jsonl"));
        List<LabelledQuery> queries = LabelledQuery.load(file);
        int k = line.integer("k", 10, 10);
        AdapterOption adapter = AdapterOption.of(line);
        try (ClipOnnxEncoder encoder = openEncoder(line); HnswVectorStore store = openIndex(line, encoder, adapter);
                KeywordSide keywords = KeywordSide.open(line, store, err)) {
            Encoder queryEncoder = adapter.wrap(encoder);
            if (line.has(KeywordSide.TUNE_FUSION)) {
                out.println("Tuning fusion on " + file + " against " + store.count() + " products, top " + k + ":");
                FusionTuning.print(FusionTuning.tune(queryEncoder, store, keywords.index(), KeywordSide.FIELDS, queries, k),
                        out);
                return 0;
            }
            MultimodalRag rag = keywords.configure(MultimodalRag.builder().encoder(queryEncoder).store(store)).build();
            if (keywords.enabled()) {
                Evaluation vectorOnly = Evaluation.run(MultimodalRag.builder().encoder(queryEncoder).store(store).build(),
                        queries, k);
                out.println("Vector search only (--no-keywords), top " + k + ":");
                out.println(vectorOnly);
                out.println(vectorOnly.resultLine().replaceFirst("^RESULT ", "RESULT mode=vector-only "));
                out.println("Hybrid (" + KeywordSide.spec(keywords.fusion()) + "):");
            }
            Evaluation evaluation = Evaluation.run(rag, queries, k);
            out.println("Evaluated " + file + " against " + store.count() + " products, top " + k + ":");
            out.println(evaluation);
            out.println(evaluation.resultLine());
            return 0;
        }
    }

    private int serve(CommandLine line) {
        Set<String> allowed = with(COMMON, "index", "llm", "llm-model", "base-url", KeywordSide.NO_KEYWORDS,
                KeywordSide.FUSION);
        allowed.addAll(ServeCommand.OPTIONS);
        allowed.addAll(VIDEO);
        if (line.get("videos") != null) {
            allowed.addAll(Set.of("transcriber", "transcriber-url", "transcriber-model")); // the sound tracks, as find
        }
        line.allowOnly(allowed);
        KeywordSide.checkOptions(line);
        dev.mmrag.examples.web.ServerOptions options = ServeCommand.options(line);
        Generator generator = generator(line);
        Path folder = line.path("catalog", null);
        Catalog catalog = Catalog.load(folder != null ? folder : Assets.styleCatalog());
        if (line.get("videos") != null) {
            if (line.get("index") != null) {
                throw new UsageException("serve --videos indexes the catalogue itself; --index FILE (an HNSW store, "
                        + "which does not hold videos yet) cannot be combined with it");
            }
            if (line.get(AdapterOption.NAME) != null) {
                throw new UsageException("--" + AdapterOption.NAME + " does not apply to --videos yet");
            }
            // As find --videos: the catalogue and the videos in one exact store, so one query ranks both.
            try (ClipOnnxEncoder encoder = openEncoder(line);
                    dev.mmrag.core.ExactVectorStore store = new dev.mmrag.core.ExactVectorStore(encoder.dimension(),
                            Metric.COSINE)) {
                indexCatalogue(catalog, encoder, store);
                MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).generator(generator)
                        .segmenter(AudioCommands.withSoundTrack(line, encoder, VideoCommands.segmenter(line)))
                        .duplicateCosine(VideoCommands.duplicateCosine(line)).build();
                Path videoFolder = line.path("videos", null);
                VideoCommands.indexVideos(rag, videoFolder, err);
                return serveCommand.serve(rag, catalog, VideoFolder.load(videoFolder).items(), options, out, err);
            }
        }
        AdapterOption adapter = AdapterOption.of(line);
        try (ClipOnnxEncoder encoder = openEncoder(line); HnswVectorStore store = openIndex(line, encoder, adapter);
                KeywordSide keywords = KeywordSide.open(line, store, err)) {
            // The same pipeline as find: queries go through the adapter the index was built with, and text is also
            // searched in the keyword index unless --no-keywords.
            MultimodalRag rag = keywords.configure(MultimodalRag.builder()
                    .encoder(adapter.wrap(encoder)).store(store)).generator(generator).build();
            return serveCommand.serve(rag, catalog, List.of(), options, out, err);
        }
    }

    private ClipOnnxEncoder openEncoder(CommandLine line) {
        Path model = line.path("model", null);
        return ClipOnnxEncoder.builder(model != null ? model : Assets.miniClip())
                .variant(line.has("quantized") ? dev.mmrag.onnx.ModelVariant.QUANTIZED : dev.mmrag.onnx.ModelVariant.FULL)
                .build();
    }

    /** Loads {@code --index FILE}, or indexes the catalogue. */
    /** Loads {@code --index FILE} (checked against the adapter), or builds the index from the catalogue. */
    private HnswVectorStore openIndex(CommandLine line, ClipOnnxEncoder encoder, AdapterOption adapter) {
        String file = line.get("index");
        if (file == null) {
            return buildIndex(line, encoder, adapter);
        }
        HnswVectorStore store = HnswVectorStore.load(Path.of(file));
        if (store.dimension() != encoder.dimension()) {
            store.close();
            throw new InvalidInputException("index " + file + " holds vectors of dimension " + store.dimension()
                    + " but the model makes " + encoder.dimension() + "; rebuild it with this model's index command");
        }
        try {
            adapter.checkIndex(store, file);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        err.println("Loaded the index of " + store.count() + " products from " + file);
        return store;
    }

    private HnswVectorStore buildIndex(CommandLine line, ClipOnnxEncoder encoder, AdapterOption adapter) {
        Path folder = line.path("catalog", null);
        Catalog catalog = Catalog.load(folder != null ? folder : Assets.styleCatalog());
        HnswVectorStore store = HnswVectorStore.builder(encoder.dimension(), Metric.COSINE)
                .initialCapacity(catalog.items().size()).properties(adapter.indexProperties()).build();
        indexCatalogue(catalog, adapter.wrap(encoder), store);
        return store;
    }

    /** Indexes the catalogue of {@code --catalog} (or the bundled one) into a store; for the video commands. */
    private void buildCatalogue(CommandLine line, ClipOnnxEncoder encoder, dev.mmrag.api.VectorStore store) {
        Path folder = line.path("catalog", null);
        indexCatalogue(Catalog.load(folder != null ? folder : Assets.styleCatalog()), encoder, store);
    }

    private void indexCatalogue(Catalog catalog, Encoder encoder, dev.mmrag.api.VectorStore store) {
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).build();
        IndexReport report = rag.index(catalog.items(), progress());
        err.println("Indexed " + report.indexed() + " of " + report.total() + " products from " + catalog.folder()
                + " in " + String.format(Locale.ROOT, "%.1f", report.elapsed().toMillis() / 1000.0) + " s");
        for (ItemFailure failure : report.failures()) {
            err.println("  skipped " + failure);
        }
        if (report.indexed() == 0) {
            store.close();
            throw new InvalidInputException("no product of " + catalog.folder() + " could be indexed");
        }
    }

    private IndexingListener progress() {
        if (!interactive) {
            return IndexingListener.NONE;
        }
        return new IndexingListener() {
            @Override
            public void onProgress(int done, int total) {
                err.print("\rIndexing products: " + done + "/" + total + (done == total ? "\n" : ""));
                err.flush();
            }
        };
    }

    private static Generator generator(CommandLine line) {
        String llm = line.get("llm");
        if (llm == null || llm.equalsIgnoreCase("none")) {
            if (line.get("llm-model") != null || line.get("base-url") != null) {
                throw new UsageException("--llm-model and --base-url need --llm openai|ollama|anthropic|gemini");
            }
            return TemplateGenerator.create();
        }
        // Item images are attached only from the catalogue folder: a loaded --index names them, and is data, not authority.
        Path catalogue = line.path("catalog", null);
        ProviderGeneratorBuilder builder = LangChain4jGenerator.forProvider(LlmProvider.fromId(llm))
                .fallback(TemplateGenerator.create())
                .trustedImages(TrustedImageSources.ofFolders(catalogue != null ? catalogue : Assets.styleCatalog()));
        if (line.get("llm-model") != null) {
            builder.modelName(line.get("llm-model"));
        }
        if (line.get("base-url") != null) {
            builder.baseUrl(line.get("base-url"));
        }
        return builder.build();
    }

    static Set<String> with(Set<String> base, String... more) {
        java.util.Set<String> all = new java.util.HashSet<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
