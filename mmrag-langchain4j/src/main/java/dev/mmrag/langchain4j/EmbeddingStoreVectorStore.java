package dev.mmrag.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.Ids;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.Vectors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Any LangChain4j {@link EmbeddingStore} (pgvector, Qdrant, Milvus, Chroma, Redis, OpenSearch, Weaviate, the
 * in-memory one...) as an mmrag {@link VectorStore}.
 *
 * <p><b>Scores.</b> LangChain4j's stores compare by cosine and report a relevance score {@code (1 + cos) / 2} in
 * [0, 1]. This adapter reports the cosine ({@code 2 * score - 1}), like every mmrag store, and turns
 * {@code minScore} (a cosine) into LangChain4j's {@code (1 + minScore) / 2}. Only {@link Metric#COSINE} is
 * offered: LangChain4j's API has no metric, and a store that ranks by cosine cannot be made to rank by dot
 * product or distance, so the other metrics are refused when the adapter is built.
 *
 * <p><b>Ids.</b> An mmrag id becomes a name-based UUID ({@code UUID.nameUUIDFromBytes("mmrag:" + id)}), which every
 * LangChain4j store accepts (pgvector and Qdrant take UUIDs only); the mmrag id itself is kept in the metadata
 * under {@code mmrag#id} and is what hits report. The embedded {@link TextSegment} holds the mmrag id as its text
 * (LangChain4j needs non-blank text).
 *
 * <p><b>Metadata.</b> LangChain4j metadata holds String, UUID, Integer, Long, Float and Double only. Every mmrag
 * value is kept, with its exact type: Strings under their key, Longs under {@code key#long}, Doubles under
 * {@code key#double}, Booleans as {@code "true"}/{@code "false"} under {@code key#bool}, list element {@code i}
 * under {@code key#i} (with the type suffix) and a list's length under {@code key#len}. So nothing is refused
 * or converted on the way in; on the way back, metadata that another LangChain4j program wrote reads as String
 * (from String and UUID), Long (from Integer and Long) and Double (from Float and Double), and keys mmrag does not
 * allow are skipped.
 *
 * <p><b>Filters.</b> Every mmrag operator is translated: {@code eq} and {@code in} become LangChain4j
 * {@code IsEqualTo} over the value's slots (a number in both numeric slots, a list's element slots too),
 * {@code ne} and {@code not} become {@code Not}, ranges {@code IsGreaterThan}... over the numeric slots,
 * {@code and}/{@code or} the same. mmrag has no counterpart of LangChain4j's {@code ContainsString}, of string
 * ordering ({@code IsGreaterThan} on text) or of UUID values, and LangChain4j has no list or boolean values (they
 * are emulated as above). A LangChain4j store that cannot run a translated filter (some have no {@code Not}) makes
 * the search fail with an {@link InvalidInputException} naming the filter and the store.
 *
 * <p><b>What a LangChain4j store cannot promise</b> (the rules of {@code VectorStoreContract} this adapter keeps
 * only under conditions):
 * <ul>
 *   <li>{@link #metadataKeys()} and the list lengths filters look at are those of records written through this
 *       adapter object (LangChain4j cannot list a store's keys); over a store filled earlier, the adapter knows no
 *       key and applies filters unchecked (see {@link Filter}), and lists written earlier are matched only up to
 *       the longest list this adapter has written;</li>
 *   <li>{@link #count()} and {@link #get(String)} are searches (LangChain4j has no count and no get): count finds
 *       every record, one search of up to {@link #DEFAULT_SCAN_LIMIT} hits (more fail with a
 *       {@link StoreException});</li>
 *   <li>an upsert is a lookup of the stored versions, a remove and an add (LangChain4j's {@code addAll} does not
 *       replace in every store): a search running meanwhile in another process may miss the item, and writes are
 *       serialised only within this adapter object;</li>
 *   <li>a write is visible when the call returns only if the LangChain4j store is (the in-memory store and SQL
 *       stores are; Elasticsearch-like stores may need their refresh setting);</li>
 *   <li>{@code ne}/{@code not} on an item without the key follow the store's own translation of {@code Not}: the
 *       in-memory store matches such items as mmrag does; a SQL store may not (NULL semantics).</li>
 * </ul>
 *
 * <p>Per-item failures: records that do not fit (dimension, zero vector) are reported in the {@link BatchResult}
 * before anything is written; when the store refuses a batch, the records are written one by one so that only
 * those the store refuses are reported, each with the store's error as a {@link StoreException}, and the stored
 * version of a refused record, if there was one, is written back (the message says whether that worked).
 *
 * <p>Thread-safety: safe for concurrent use when the LangChain4j store is (the in-memory one is); writes through
 * one adapter are serialised. {@link #close()} does not close the LangChain4j store.
 */
public final class EmbeddingStoreVectorStore implements VectorStore {

    /** The most records {@link #count()} will scan. */
    public static final int DEFAULT_SCAN_LIMIT = 1_000_000;

    private final EmbeddingStore<TextSegment> store;
    private final int dimension;
    private final Set<String> metadataKeys = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> listLengths = new ConcurrentHashMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();

    private EmbeddingStoreVectorStore(EmbeddingStore<TextSegment> store, int dimension, Metric metric) {
        if (store == null) {
            throw new InvalidInputException("the LangChain4j embedding store must not be null");
        }
        if (dimension < 1) {
            throw new InvalidInputException("dimension is " + dimension + "; expected at least 1");
        }
        if (metric != Metric.COSINE) {
            throw new InvalidInputException("metric " + metric + " is not available over a LangChain4j "
                    + "EmbeddingStore: LangChain4j's stores rank by cosine similarity; use Metric.COSINE");
        }
        this.store = store;
        this.dimension = dimension;
    }

    /**
     * @param store the LangChain4j store; this adapter should be its only writer
     * @param dimension the dimension of every vector
     * @return the store as a cosine {@link VectorStore}
     */
    public static EmbeddingStoreVectorStore of(EmbeddingStore<TextSegment> store, int dimension) {
        return new EmbeddingStoreVectorStore(store, dimension, Metric.COSINE);
    }

    /**
     * @param store the LangChain4j store
     * @param dimension the dimension of every vector
     * @param metric must be {@link Metric#COSINE}
     * @return the store as a {@link VectorStore}
     * @throws InvalidInputException for any other metric
     */
    public static EmbeddingStoreVectorStore of(EmbeddingStore<TextSegment> store, int dimension, Metric metric) {
        return new EmbeddingStoreVectorStore(store, dimension, metric);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return Metric.COSINE;
    }

    @Override
    public BatchResult upsert(List<VectorRecord> records) {
        List<ItemFailure> failures = new ArrayList<>();
        // Last record for an id wins: keep the position of each id's last usable record.
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int position : Vectors.checkRecords(records, dimension, Metric.COSINE, failures)) {
            String id = records.get(position).id();
            last.remove(id);
            last.put(id, position);
        }
        writeLock.lock();
        try {
            List<Integer> positions = new ArrayList<>(last.values());
            if (!positions.isEmpty()) {
                // The stored versions, read first: if the store refuses a record after its old version was
                // removed, the old version is written back, so that a refused upsert loses nothing.
                Map<String, EmbeddingMatch<TextSegment>> previous = new LinkedHashMap<>();
                for (EmbeddingMatch<TextSegment> match : findByIds(last.keySet())) {
                    previous.put(idOf(match), match);
                }
                try {
                    write(records, positions);
                } catch (RuntimeException batchFailure) {
                    // One by one, so that only the records the store refuses fail.
                    for (int position : positions) {
                        try {
                            write(records, List.of(position));
                        } catch (RuntimeException e) {
                            VectorRecord record = records.get(position);
                            failures.add(ItemFailure.of(record.id(), position, new StoreException(
                                    "the LangChain4j store " + storeName() + " refused item '" + record.id() + "': "
                                            + e.getMessage() + restore(previous.get(record.id())), e)));
                        }
                    }
                }
            }
        } finally {
            writeLock.unlock();
        }
        failures.sort(java.util.Comparator.comparingInt(ItemFailure::index));
        return new BatchResult(records.size(), failures);
    }

    /** Writes a record's previous version back after the store refused its new one; says how that went. */
    private String restore(EmbeddingMatch<TextSegment> previous) {
        if (previous == null) {
            return "";
        }
        try {
            store.removeAll(List.of(previous.embeddingId()));
            store.addAll(List.of(previous.embeddingId()), List.of(previous.embedding()), List.of(previous.embedded()));
            return " (the stored record is kept)";
        } catch (RuntimeException e) {
            return " (and the stored record could not be written back: " + e.getMessage() + ")";
        }
    }

    private void write(List<VectorRecord> records, List<Integer> positions) {
        List<String> ids = new ArrayList<>(positions.size());
        List<Embedding> embeddings = new ArrayList<>(positions.size());
        List<TextSegment> segments = new ArrayList<>(positions.size());
        for (int position : positions) {
            VectorRecord record = records.get(position);
            ids.add(MetadataCodec.storeId(record.id()));
            embeddings.add(Embedding.from(record.vector()));
            segments.add(TextSegment.from(record.id(),
                    new dev.langchain4j.data.document.Metadata(MetadataCodec.encode(record.id(), record.metadata()))));
        }
        store.removeAll(ids);
        store.addAll(ids, embeddings, segments);
        for (int position : positions) {
            VectorRecord record = records.get(position);
            record.metadata().forEach((key, value) -> {
                metadataKeys.add(key);
                if (value instanceof List) {
                    listLengths.merge(key, ((List<?>) value).size(), Math::max);
                }
            });
        }
    }

    @Override
    public int delete(Collection<String> ids) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        ids.forEach(Ids::check);
        if (ids.isEmpty()) {
            return 0;
        }
        Set<String> unique = new LinkedHashSet<>(ids);
        writeLock.lock();
        try {
            List<EmbeddingMatch<TextSegment>> present = findByIds(unique);
            if (!present.isEmpty()) {
                List<String> storeIds = new ArrayList<>();
                for (String id : unique) {
                    storeIds.add(MetadataCodec.storeId(id));
                }
                call(() -> {
                    store.removeAll(storeIds);
                    return null;
                });
            }
            return present.size();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        Ids.check(id);
        List<EmbeddingMatch<TextSegment>> matches = findByIds(Set.of(id));
        if (matches.isEmpty()) {
            return Optional.empty();
        }
        EmbeddingMatch<TextSegment> match = matches.get(0);
        return Optional.of(new VectorRecord(id, match.embedding().vector(), metadataOf(match)));
    }

    private List<EmbeddingMatch<TextSegment>> findByIds(Set<String> ids) {
        dev.langchain4j.store.embedding.filter.Filter byId = ids.size() == 1
                ? new IsEqualTo(MetadataCodec.ID_KEY, ids.iterator().next())
                : new IsIn(MetadataCodec.ID_KEY, ids);
        return scan(byId, Math.max(1, ids.size()));
    }

    /** @return every record matching the filter, found with a search that accepts any score */
    private List<EmbeddingMatch<TextSegment>> scan(dev.langchain4j.store.embedding.filter.Filter filter, int max) {
        float[] any = new float[dimension];
        any[0] = 1f;
        EmbeddingSearchRequest request = EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(any))
                .maxResults(max).minScore(0.0).filter(filter).build();
        return call(() -> store.search(request).matches());
    }

    @Override
    public long count() {
        List<EmbeddingMatch<TextSegment>> all = scan(null, DEFAULT_SCAN_LIMIT);
        if (all.size() >= DEFAULT_SCAN_LIMIT) {
            throw new StoreException("the LangChain4j store " + storeName() + " holds at least " + DEFAULT_SCAN_LIMIT
                    + " records; count() scans at most that many");
        }
        return all.size();
    }

    @Override
    public List<SearchHit> search(SearchRequest request) {
        if (request == null) {
            throw new InvalidInputException("search request must not be null");
        }
        Vectors.check("query vector", request.vector(), dimension, Metric.COSINE);
        Filter filter = request.filter();
        dev.langchain4j.store.embedding.filter.Filter translated = null;
        if (filter != null) {
            filter.requireKnownKeys(metadataKeys);
            translated = MetadataCodec.translate(filter, key -> listLengths.getOrDefault(key, 0));
        }
        double minRelevance = request.minScore() == null ? 0.0
                : Math.max(0.0, Math.min(1.0, (1.0 + request.minScore()) / 2.0));
        EmbeddingSearchRequest l4j = EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(request.vector()))
                .maxResults(request.topK()).minScore(minRelevance).filter(translated).build();
        List<EmbeddingMatch<TextSegment>> matches;
        try {
            matches = store.search(l4j).matches();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            if (filter == null) {
                throw new StoreException("the LangChain4j store " + storeName() + " failed a search: " + e.getMessage(), e);
            }
            throw new InvalidInputException("the LangChain4j store " + storeName() + " cannot run filter " + filter
                    + " (translated to " + translated + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new StoreException("the LangChain4j store " + storeName() + " failed a search: " + e.getMessage(), e);
        }
        List<SearchHit> hits = new ArrayList<>(matches.size());
        for (EmbeddingMatch<TextSegment> match : matches) {
            double cosine = 2.0 * match.score() - 1.0;
            if (!request.accepts(cosine)) {
                continue;
            }
            float[] vector = request.includeVectors() && match.embedding() != null ? match.embedding().vector() : null;
            hits.add(new SearchHit(idOf(match), cosine, metadataOf(match), vector));
        }
        hits.sort(java.util.Comparator.comparingDouble(SearchHit::score).reversed());
        return hits;
    }

    @Override
    public Set<String> metadataKeys() {
        return Collections.unmodifiableSet(metadataKeys);
    }

    private static String idOf(EmbeddingMatch<TextSegment> match) {
        TextSegment segment = match.embedded();
        String id = segment == null ? null : segment.metadata().getString(MetadataCodec.ID_KEY);
        return id != null ? id : match.embeddingId();
    }

    private static Map<String, Object> metadataOf(EmbeddingMatch<TextSegment> match) {
        TextSegment segment = match.embedded();
        return segment == null ? Map.of() : MetadataCodec.decode(segment.metadata().toMap());
    }

    private String storeName() {
        return store.getClass().getSimpleName();
    }

    private <T> T call(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw new StoreException("the LangChain4j store " + storeName() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddingStoreVectorStore[" + storeName() + ", dimension=" + dimension + ", cosine]";
    }
}
