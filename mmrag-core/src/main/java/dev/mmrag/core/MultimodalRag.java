package dev.mmrag.core;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Augmenter;
import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Content;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.Generator;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.IndexingListener;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.Retriever;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.Vectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The multimodal RAG pipeline: index items, then retrieve, augment and generate for a query.
 *
 * <pre>{@code
 * MultimodalRag rag = MultimodalRag.builder()
 *         .encoder(encoder)                       // required
 *         .store(new ExactVectorStore(encoder.dimension(), Metric.COSINE))   // required
 *         .build();                               // default retriever, augmenter and TemplateGenerator
 * rag.index(items);
 * Answer answer = rag.ask(Query.ofImage(Path.of("outfit.jpg")));
 * }</pre>
 *
 * <p>Indexing encodes items in batches (default {@value #DEFAULT_BATCH_SIZE} items a batch). An item's vector
 * is its content's embedding, or for several contents the L2-normalised mean of their embeddings; its first
 * image's absolute path or URL is stored under {@link Item#IMAGE_REF_KEY}. When a
 * batch fails to encode, its items are encoded one by one so that only the bad ones fail; nothing the failed
 * batch call produced is kept, so every item ends up either indexed or failed, never both. Every failure is
 * reported in the {@link IndexReport} and to the {@link IndexingListener}, and the run goes on; encoder
 * warnings are reported only for items whose encoding succeeded.
 *
 * <p>An item holding a video is cut by the configured {@link Segmenter} into time-coded segments; each
 * segment's still is embedded, a segment within {@link Builder#duplicateCosine(double)} of the previous kept one
 * is merged into it (its span grows), one within that cosine of an earlier kept one is dropped (a shot seen again:
 * the earlier moment stands for it), and the item is stored as one record with all its segment vectors (see
 * {@link VectorRecord#segments()}), its video's reference under {@link Item#VIDEO_REF_KEY}. Segmentation warnings
 * (corrupt packets) go to the report's warnings.
 *
 * <p>Defaults: {@link DefaultRetriever} over the encoder and store, {@link DefaultAugmenter},
 * {@link TemplateGenerator}. The pipeline does not own the encoder or store: closing them is the caller's job.
 *
 * <p>Thread-safety: immutable; safe for concurrent use when its parts are (all of mmrag's are).
 */
public final class MultimodalRag {

    /** The default number of items encoded per batch. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    /** The default cosine similarity from which a segment counts as a near-duplicate of the previous kept one. */
    public static final double DEFAULT_DUPLICATE_COSINE = 0.95;

    private final Encoder encoder;
    private final VectorStore store;
    private final Retriever retriever;
    private final Augmenter augmenter;
    private final Generator generator;
    private final int batchSize;
    private final SegmentIndexer segments;

    private MultimodalRag(Builder builder) {
        this.encoder = builder.encoder;
        this.store = builder.store;
        this.retriever = builder.retriever != null ? builder.retriever : DefaultRetriever.of(encoder, store);
        this.augmenter = builder.augmenter != null ? builder.augmenter : DefaultAugmenter.create();
        this.generator = builder.generator != null ? builder.generator : TemplateGenerator.create();
        this.batchSize = builder.batchSize;
        this.segments = new SegmentIndexer(encoder, builder.segmenter, builder.duplicateCosine, builder.batchSize);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Indexes items, replacing items with the same ids.
     *
     * @param items the items; a null element is reported as a failure
     * @return what was indexed and what failed
     */
    public IndexReport index(List<Item> items) {
        return index(items, IndexingListener.NONE);
    }

    /**
     * Indexes items, replacing items with the same ids, and reports progress after each batch.
     *
     * @param items the items; a null element is reported as a failure
     * @param listener receives progress and failures
     * @return what was indexed and what failed
     */
    public IndexReport index(List<Item> items, IndexingListener listener) {
        if (items == null) {
            throw new InvalidInputException("items must not be null");
        }
        IndexingListener progress = listener == null ? IndexingListener.NONE : listener;
        long start = System.nanoTime();
        List<ItemFailure> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>(repeatedIds(items));
        int indexed = 0;
        for (int from = 0; from < items.size(); from += batchSize) {
            int to = Math.min(items.size(), from + batchSize);
            List<ItemFailure> batchFailures = new ArrayList<>();
            indexed += indexBatch(items, from, to, batchFailures, warnings);
            batchFailures.sort(Comparator.comparingInt(ItemFailure::index));
            for (ItemFailure failure : batchFailures) {
                failures.add(failure);
                progress.onFailure(failure);
            }
            progress.onProgress(to, items.size());
        }
        return new IndexReport(items.size(), indexed, failures, warnings, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * @return a warning for each id that more than one of the items has: each of them is written in turn, so the
     *     store keeps the last one that is stored
     */
    private static List<String> repeatedIds(List<Item> items) {
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) != null) {
                positions.computeIfAbsent(items.get(i).id(), id -> new ArrayList<>()).add(i);
            }
        }
        List<String> warnings = new ArrayList<>();
        positions.forEach((id, at) -> {
            if (at.size() > 1) {
                warnings.add("item '" + id + "' is given " + at.size() + " times (at " + at
                        + "); each replaces the one before it, so the store keeps the last one stored");
            }
        });
        return warnings;
    }

    /** Encodes and stores items[from, to); returns how many were stored. */
    private int indexBatch(List<Item> items, int from, int to, List<ItemFailure> failures, List<String> warnings) {
        Map<Integer, Item> valid = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            if (items.get(i) == null) {
                failures.add(new ItemFailure(null, i, "item at index " + i + " is null", null));
            } else {
                valid.put(i, items.get(i));
            }
        }
        Map<Integer, VectorRecord> segmented = segments.take(valid, failures, warnings);
        Map<Integer, float[]> vectors = encodeBatch(valid, failures, warnings);
        List<VectorRecord> records = new ArrayList<>(vectors.size());
        List<Integer> positions = new ArrayList<>(vectors.size());
        segmented.forEach((position, record) -> {
            records.add(record);
            positions.add(position);
        });
        for (Map.Entry<Integer, float[]> entry : vectors.entrySet()) {
            Item item = valid.get(entry.getKey());
            try {
                records.add(new VectorRecord(item.id(), entry.getValue(), metadataOf(item)));
                positions.add(entry.getKey());
            } catch (InvalidInputException e) {
                failures.add(ItemFailure.of(item.id(), entry.getKey(), e));
            }
        }
        if (records.isEmpty()) {
            return 0;
        }
        BatchResult result;
        try {
            result = store.upsert(records);
        } catch (StoreException e) {
            for (int i = 0; i < records.size(); i++) {
                failures.add(ItemFailure.of(records.get(i).id(), positions.get(i), e));
            }
            return 0;
        }
        for (ItemFailure failure : result.failures()) {
            int position = positions.get(failure.index());
            failures.add(new ItemFailure(failure.id(), position, failure.message(), failure.cause()));
        }
        return result.succeeded();
    }

    /**
     * Encodes the items' contents in one call, or one item at a time when that call fails. Nothing of a failed
     * batch call is kept (no vector, no warning), so each item ends up either with a vector or in
     * {@code failures}, never both.
     */
    private Map<Integer, float[]> encodeBatch(Map<Integer, Item> items, List<ItemFailure> failures,
            List<String> warnings) {
        if (items.isEmpty()) {
            return new LinkedHashMap<>();
        }
        List<Content> contents = new ArrayList<>();
        List<Item> owners = new ArrayList<>();
        for (Item item : items.values()) {
            contents.addAll(item.contents());
            item.contents().forEach(c -> owners.add(item));
        }
        List<String> batchWarnings = new ArrayList<>();
        try {
            List<float[]> encoded = encode(contents, owners, batchWarnings);
            Map<Integer, float[]> vectors = new LinkedHashMap<>();
            int next = 0;
            for (Map.Entry<Integer, Item> entry : items.entrySet()) {
                int n = entry.getValue().contents().size();
                vectors.put(entry.getKey(), combine(encoded.subList(next, next + n)));
                next += n;
            }
            warnings.addAll(batchWarnings);
            return vectors;
        } catch (MmragException batchFailure) {
            if (items.size() == 1) {
                Map.Entry<Integer, Item> only = items.entrySet().iterator().next();
                failures.add(ItemFailure.of(only.getValue().id(), only.getKey(), batchFailure));
                return new LinkedHashMap<>();
            }
        }
        return encodeOneByOne(items, failures, warnings);
    }

    /** Encodes each item in its own call; an item that fails is reported and leaves no vector or warning. */
    private Map<Integer, float[]> encodeOneByOne(Map<Integer, Item> items, List<ItemFailure> failures,
            List<String> warnings) {
        Map<Integer, float[]> vectors = new LinkedHashMap<>();
        for (Map.Entry<Integer, Item> entry : items.entrySet()) {
            Item item = entry.getValue();
            List<Item> itemOwners = new ArrayList<>();
            item.contents().forEach(c -> itemOwners.add(item));
            List<String> itemWarnings = new ArrayList<>();
            try {
                vectors.put(entry.getKey(), combine(encode(item.contents(), itemOwners, itemWarnings)));
                warnings.addAll(itemWarnings);
            } catch (MmragException e) {
                failures.add(ItemFailure.of(item.id(), entry.getKey(), e));
            }
        }
        return vectors;
    }

    private List<float[]> encode(List<Content> contents, List<Item> owners, List<String> warnings) {
        List<float[]> encoded = encoder.encode(contents,
                (index, content, message) -> warnings.add("item '" + owners.get(index).id() + "': " + message));
        if (encoded == null || encoded.size() != contents.size()) {
            throw new EncodingException("encoder " + encoder + " returned "
                    + (encoded == null ? "null" : encoded.size() + " vectors") + " for " + contents.size() + " contents");
        }
        return encoded;
    }

    private static float[] combine(List<float[]> vectors) {
        if (vectors.size() == 1) {
            return vectors.get(0);
        }
        float[] mean = new float[vectors.get(0).length];
        for (float[] vector : vectors) {
            if (vector.length != mean.length) {
                throw new EncodingException("encoder returned vectors of dimensions " + mean.length + " and "
                        + vector.length + " for one item");
            }
            for (int i = 0; i < mean.length; i++) {
                mean[i] += vector[i];
            }
        }
        return Vectors.normalizeInPlace(mean);
    }

    /** The item's metadata plus the reference of its first image, when that image is a file or a URL. */
    private static Map<String, Object> metadataOf(Item item) {
        for (Content content : item.contents()) {
            if (content instanceof ImageContent) {
                ImageContent image = (ImageContent) content;
                Optional<String> reference = image.path().map(p -> p.toAbsolutePath().normalize().toString())
                        .or(image::reference);
                if (reference.isEmpty()) {
                    return item.metadata();
                }
                Map<String, Object> metadata = new LinkedHashMap<>(item.metadata());
                metadata.put(Item.IMAGE_REF_KEY, reference.get());
                return metadata;
            }
        }
        return item.metadata();
    }

    /**
     * Deletes items by id; unknown ids are ignored.
     *
     * @param ids the ids
     * @return how many were deleted
     */
    public int delete(Collection<String> ids) {
        return store.delete(ids);
    }

    /**
     * Stage 1 only: finds the items relevant to a query.
     *
     * @param query the query
     * @return at most {@code query.topK()} items, best first
     */
    public List<Retrieved> retrieve(Query query) {
        return retriever.retrieve(query);
    }

    /**
     * Stages 1 and 2: the prompt a generator would be given for this query.
     *
     * @param query the query
     * @return the prompt
     */
    public Prompt prompt(Query query) {
        return augmenter.augment(query, retrieve(query));
    }

    /**
     * Runs the whole pipeline: retrieve, augment, generate.
     *
     * @param query the query
     * @return the answer with its sources
     */
    public Answer ask(Query query) {
        return generator.generate(prompt(query));
    }

    /**
     * Runs the whole pipeline and delivers the answer's text as it is generated.
     *
     * @param query the query
     * @param onText receives the text piece by piece
     * @return the complete answer
     */
    public Answer ask(Query query, Consumer<String> onText) {
        if (onText == null) {
            throw new InvalidInputException("onText must not be null");
        }
        return generator.stream(prompt(query), onText);
    }

    /**
     * @param question a text question
     * @return the answer, with the default topK
     */
    public Answer ask(String question) {
        return ask(Query.ofText(question));
    }

    /** @return the encoder */
    public Encoder encoder() {
        return encoder;
    }

    /** @return the store */
    public VectorStore store() {
        return store;
    }

    /** @return the retriever */
    public Retriever retriever() {
        return retriever;
    }

    /** @return the augmenter */
    public Augmenter augmenter() {
        return augmenter;
    }

    /** @return the generator */
    public Generator generator() {
        return generator;
    }

    /**
     * Builds a {@link MultimodalRag}. The encoder and store are required; everything else has a default.
     * Not thread-safe.
     */
    public static final class Builder {
        private Encoder encoder;
        private VectorStore store;
        private Retriever retriever;
        private Augmenter augmenter;
        private Generator generator;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Segmenter segmenter;
        private double duplicateCosine = DEFAULT_DUPLICATE_COSINE;

        private Builder() {
        }

        /**
         * @param segmenter cuts items holding a video (or other long content) into time-coded segments (default:
         *     none, so a video item fails with a message saying a segmenter is needed)
         * @return this builder
         */
        public Builder segmenter(Segmenter segmenter) {
            this.segmenter = segmenter;
            return this;
        }

        /**
         * @param cosine a segment whose vector has at least this cosine similarity with the previous kept segment
         *     of the same item is merged into it, and one that close to an earlier kept segment is dropped (default
         *     {@value MultimodalRag#DEFAULT_DUPLICATE_COSINE}); above 1 keeps every segment
         * @return this builder
         */
        public Builder duplicateCosine(double cosine) {
            if (!(cosine >= -1 && cosine <= 2)) {
                throw new InvalidInputException("duplicate cosine is " + cosine + "; expected -1 to 2 (above 1 keeps all)");
            }
            this.duplicateCosine = cosine;
            return this;
        }

        /**
         * @param encoder turns items and queries into vectors (required)
         * @return this builder
         */
        public Builder encoder(Encoder encoder) {
            this.encoder = encoder;
            return this;
        }

        /**
         * @param store holds the vectors (required); its dimension must equal the encoder's
         * @return this builder
         */
        public Builder store(VectorStore store) {
            this.store = store;
            return this;
        }

        /**
         * @param retriever stage 1 (default: {@link DefaultRetriever} over the encoder and store)
         * @return this builder
         */
        public Builder retriever(Retriever retriever) {
            this.retriever = retriever;
            return this;
        }

        /**
         * @param augmenter stage 2 (default: {@link DefaultAugmenter})
         * @return this builder
         */
        public Builder augmenter(Augmenter augmenter) {
            this.augmenter = augmenter;
            return this;
        }

        /**
         * @param generator stage 3 (default: {@link TemplateGenerator}, which needs no language model)
         * @return this builder
         */
        public Builder generator(Generator generator) {
            this.generator = generator;
            return this;
        }

        /**
         * @param batchSize items encoded per batch while indexing (default
         *     {@value MultimodalRag#DEFAULT_BATCH_SIZE}), at least 1
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new InvalidInputException("batch size is " + batchSize + "; expected at least 1");
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @return the pipeline
         * @throws InvalidInputException when the encoder or store is missing, or their dimensions differ
         */
        public MultimodalRag build() {
            if (encoder == null) {
                throw new InvalidInputException("MultimodalRag needs an encoder: call .encoder(...)");
            }
            if (store == null) {
                throw new InvalidInputException("MultimodalRag needs a vector store: call .store(...)");
            }
            if (encoder.dimension() != store.dimension()) {
                throw new InvalidInputException("encoder dimension " + encoder.dimension()
                        + " does not match store dimension " + store.dimension());
            }
            return new MultimodalRag(this);
        }
    }
}
