package dev.mmrag.store.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch._types.query_dsl.TextQueryType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.GetRequest;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.GetMappingResponse;
import co.elastic.clients.json.SimpleJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.Ids;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.Vectors;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.apache.http.HttpHost;
import org.elasticsearch.client.ResponseException;

/**
 * A {@link VectorStore} on an Elasticsearch 8 cluster: vectors in a {@code dense_vector} field searched with
 * approximate kNN (HNSW), metadata indexed for filtering, for catalogues that outgrow one machine or indexes shared
 * by many application servers.
 *
 * <pre>{@code
 * try (ElasticsearchVectorStore store = ElasticsearchVectorStore.builder("products", 512)
 *         .hosts("https://es1.example.com:9200", "https://es2.example.com:9200")
 *         .apiKey(System.getenv("ES_API_KEY"))
 *         .caCertificate(Path.of("http_ca.crt"))
 *         .build()) {
 *     store.upsert(records);
 *     List<SearchHit> hits = store.search(SearchRequest.builder(query, 10).filter(Filter.eq("color", "red")).build());
 * }
 * }</pre>
 *
 * <p><b>The index.</b> {@link Builder#build()} connects and creates the index when it is missing: a
 * {@code dense_vector} field of the store's dimension with the similarity of its metric, indexed as
 * {@link VectorIndexType#HNSW} or {@link VectorIndexType#INT8_HNSW} with the given {@code m} and
 * {@code ef_construction}, and metadata mapped for filtering (keyword, long, double and boolean fields, created on
 * first use). It refuses an existing index whose dimension or similarity disagree with the store, or which it did not
 * create. The layout is described in the package's {@code Documents} class; in short, metadata keys may contain dots,
 * one key may hold values of different types across items, and the metadata read back equals what was written.
 *
 * <p><b>Semantics</b> are those of the in-process stores: scores as {@link Metric} defines them (Elasticsearch's kNN
 * scores are converted; cosine maps to {@code cosine}, dot product to {@code max_inner_product}, Euclidean to
 * {@code l2_norm}); {@link Filter}s are translated operator by operator into Elasticsearch queries with the same
 * meaning, applied during the kNN search (not after it); a filter naming a key no item ever had is rejected, as the
 * index mapping shows; {@code minScore} is applied to the converted scores. Searches never return partial results:
 * when a shard cannot answer, the search fails with a {@link StoreException}.
 *
 * <p><b>Limits.</b> Ids follow {@link Ids#check(String)}, whose 512-byte limit is Elasticsearch's own. Strings longer
 * than 8191 characters are stored and returned, but not indexed, so a filter comparing with such a string is
 * rejected. Search is
 * approximate: it explores {@code max(numCandidates, k)} candidates per shard (see {@link Builder#numCandidates(int)}),
 * where {@code k} is {@code topK}, or three times {@code topK} with {@link VectorIndexType#INT8_HNSW}.
 * {@link #count()} and {@link #search} see writes once they are refreshed (see {@link RefreshPolicy});
 * {@link #get(String)} always sees the latest write.
 *
 * <p><b>Writes</b> are sent in bulk requests of {@link Builder#bulkBatchSize(int)} records; a call that needs several
 * requests ends with one refresh of the whole index (unless the policy is {@link RefreshPolicy#NONE}), since
 * Elasticsearch refreshes only the shards a request touched. Invalid records (wrong dimension, non-finite or zero
 * vectors, over-long ids) and records the cluster rejects are reported one by one in the {@link BatchResult}; the
 * rest are written. When a whole bulk request fails (the cluster is unreachable), each of its records is reported
 * with a {@link StoreException}.
 *
 * <p><b>Failures.</b> Requests are spread over the hosts; a host that does not answer is skipped for a while and
 * the request goes to the next one. Reads ({@code search}, {@code get}, {@code count}) that fail transiently, such as
 * a search whose node left the cluster half-way, are repeated (see {@link Builder#readRetries(int)}).
 *
 * <p><b>Errors</b> from Elasticsearch or the network become {@link StoreException}s naming the index, the hosts and
 * the reason; bad input is an {@link InvalidInputException}. API keys and passwords never appear in messages, in
 * {@link #toString()} or in the Elasticsearch clients' logs. (Apache HttpClient's own wire logging, the loggers
 * {@code org.apache.http.headers} and {@code org.apache.http.wire} at DEBUG, prints request headers, credentials
 * included: leave it off outside debugging.)
 *
 * <p><b>Keyword search</b> (hybrid retrieval): {@link #keywordIndex()} is a {@link KeywordIndex} on the same index,
 * whose keyword fields are written into the item's document (one document holds vector, metadata and text) and
 * searched with a {@code multi_match} query of type {@code most_fields} (BM25, per-field boosts, the store's filters).
 * {@link #hybridSearch} answers a keyword and a vector search fused by reciprocal rank fusion: in one request with
 * Elasticsearch's {@code rrf} retriever when the cluster's licence includes it, otherwise as two searches fused in
 * Java with the same formula; {@link #hybridMode()} detects and says which.
 *
 * <p>Thread-safety: safe for concurrent use; it holds one pooled HTTP client, released by {@link #close()}.
 */
public final class ElasticsearchVectorStore implements VectorStore {

    /** Elasticsearch's limit on {@code num_candidates}. */
    static final int MAX_NUM_CANDIDATES = 10_000;
    /** How many more hits an int8 search fetches than asked for, to rescore with the float vectors. */
    static final int INT8_OVERSAMPLING = 3;

    private static final List<String> METADATA_ONLY = List.of(Documents.METADATA);
    private static final List<String> METADATA_AND_VECTOR = List.of(Documents.METADATA, Documents.VECTOR);

    /**
     * Get and search with the documents' sources read by {@link Documents#SOURCE}, which keeps whole and
     * floating-point numbers apart (the client's {@code get} and {@code search} methods read sources into JSON values
     * that do not).
     */
    private static final Endpoint<GetRequest, GetResponse<Map<String, Object>>, ErrorResponse> GET =
            GetRequest.createGetEndpoint(Documents.SOURCE);
    private static final Endpoint<co.elastic.clients.elasticsearch.core.SearchRequest,
            SearchResponse<Map<String, Object>>, ErrorResponse> SEARCH =
            co.elastic.clients.elasticsearch.core.SearchRequest.createSearchEndpoint(Documents.SOURCE);

    private final ElasticsearchTransport transport;
    private final ElasticsearchClient client;
    private final String index;
    private final String hostsText;
    private final int dimension;
    private final Metric metric;
    /** The index's {@code index_options.type}, as its mapping says (an existing index keeps its own). */
    private final String indexOptionsType;
    /** Whether the index holds quantised vectors, whose kNN scores are approximate and must be recomputed. */
    private final boolean rescore;
    private final int numCandidates;
    private final RefreshPolicy refreshPolicy;
    private final int bulkBatchSize;
    private final int readRetries;
    /** Metadata keys known to be in the mapping; grows with writes and mapping reads, never shrinks. */
    private final Set<String> knownKeys = ConcurrentHashMap.newKeySet();
    /** Keyword field names known to be in the mapping; grows with writes and mapping reads. */
    private final Set<String> knownTextFields = ConcurrentHashMap.newKeySet();
    private final int hybridRankConstant;
    /** Null until the first hybrid search detects it. */
    private volatile HybridMode hybridMode;
    private final KeywordIndex keywordIndex = new ElasticsearchKeywordIndex(this);
    private static final System.Logger LOG = System.getLogger(ElasticsearchVectorStore.class.getName());

    private ElasticsearchVectorStore(Builder builder, List<HttpHost> hosts) {
        this.hybridRankConstant = builder.hybridRankConstant;
        this.index = builder.index;
        this.hostsText = hosts.stream().map(HttpHost::toURI).collect(Collectors.joining(", ", "[", "]"));
        this.dimension = builder.dimension;
        this.metric = builder.metric;
        this.numCandidates = builder.numCandidates;
        this.refreshPolicy = builder.refreshPolicy;
        this.bulkBatchSize = builder.bulkBatchSize;
        this.readRetries = builder.readRetries;
        this.transport = new RestClientTransport(Connections.restClient(hosts, builder.apiKey, builder.username,
                builder.password, builder.caCertificate, builder.connectTimeout, builder.socketTimeout),
                new SimpleJsonpMapper());
        this.client = new ElasticsearchClient(transport);
        TypeMapping mapping;
        try {
            mapping = openIndex(builder);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.indexOptionsType = IndexMapping.indexOptionsType(mapping);
        this.rescore = !"hnsw".equals(indexOptionsType) && !"flat".equals(indexOptionsType);
    }

    /**
     * Starts a builder. Defaults: host {@code http://localhost:9200}, metric {@link Metric#COSINE},
     * {@link VectorIndexType#HNSW} with {@code m} 16 and {@code ef_construction} 100, {@code num_candidates} 100,
     * {@link RefreshPolicy#WAIT_FOR}, 1 shard and 1 replica (for a new index), bulk batches of 500, 2 retries of
     * reads, connect timeout 5 s, socket timeout 60 s, no authentication, the JDK's trusted certificates.
     *
     * @param index the index name (lower case; no {@code \ / * ? " < > | , #} or spaces; not starting with
     *     {@code - _ +}); created when missing
     * @param dimension the dimension of every vector, at least 1
     * @return a builder
     */
    public static Builder builder(String index, int dimension) {
        return new Builder(index, dimension);
    }

    /** Creates the index when it is missing, checks it, and returns its mapping. */
    private TypeMapping openIndex(Builder builder) {
        TypeMapping mapping = mappingIfExists();
        if (mapping == null) {
            try {
                try {
                    createIndex(builder, true);
                } catch (ElasticsearchException e) {
                    if (!IndexMapping.isMissingAnalysisModule(e.error().type(), e.error().reason())) {
                        throw e;
                    }
                    // A cluster without the analysis-common module (such as Elasticsearch's integration-test
                    // distribution) cannot build the product-code analyzer: keyword fields use "standard".
                    LOG.log(System.Logger.Level.WARNING, "Elasticsearch index ''{0}'': the cluster lacks the "
                            + "analysis-common module ({1}); keyword fields use the standard analyzer, which does "
                            + "not split product codes such as sku0042", index, e.error().reason());
                    createIndex(builder, false);
                }
            } catch (ElasticsearchException e) {
                // Another client may have created it at the same time; then it is checked like any existing index.
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw failure("create the index", e);
                }
            } catch (IOException e) {
                throw failure("create the index", e);
            }
            mapping = mapping();
        }
        IndexMapping.checkCompatible(index, mapping, dimension, metric);
        knownKeys.addAll(IndexMapping.metadataKeys(mapping));
        knownTextFields.addAll(IndexMapping.textFields(mapping));
        return mapping;
    }

    private void createIndex(Builder builder, boolean productCodeAnalyzer) throws IOException {
        client.indices().create(c -> c.index(index)
                .settings(s -> (productCodeAnalyzer ? s.withJson(new StringReader(IndexMapping.ANALYSIS_SETTINGS)) : s)
                        .numberOfShards(Integer.toString(builder.shards))
                        .numberOfReplicas(Integer.toString(builder.replicas)))
                .mappings(IndexMapping.of(dimension, metric, builder.indexType, builder.m, builder.efConstruction,
                        productCodeAnalyzer ? IndexMapping.TEXT_ANALYZER : IndexMapping.FALLBACK_TEXT_ANALYZER)));
    }

    /**
     * @return the analyzer of this index's keyword fields: {@code mmrag_text} (the product-code analyzer),
     *     {@code standard} (on a cluster without the analysis-common module, which does not split {@code sku0042}),
     *     or null for an index made before keyword search, which cannot hold keyword fields
     */
    public String keywordAnalyzer() {
        return IndexMapping.textAnalyzer(mapping());
    }

    private TypeMapping mapping() {
        TypeMapping mapping = mappingIfExists();
        if (mapping == null) {
            throw new StoreException("Elasticsearch index '" + index + "' at " + hostsText + " does not exist any"
                    + " more; was it deleted?");
        }
        return mapping;
    }

    /** @return the index's mapping, or null when there is no such index */
    private TypeMapping mappingIfExists() {
        GetMappingResponse response = read("read the index mapping", () -> {
            try {
                return client.indices().getMapping(g -> g.index(index));
            } catch (ElasticsearchException e) {
                if ("index_not_found_exception".equals(e.error().type())) {
                    return null;
                }
                throw e;
            }
        });
        return response == null ? null : response.result().values().iterator().next().mappings();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    /** @return the name of the index this store reads and writes */
    public String index() {
        return index;
    }

    @Override
    public BatchResult upsert(List<VectorRecord> records) {
        List<ItemFailure> failures = new ArrayList<>();
        List<Integer> valid = new ArrayList<>(Vectors.checkRecords(records, dimension, metric, failures));
        valid.removeIf(i -> {
            VectorRecord record = records.get(i);
            if (!record.segmented()) {
                return false;
            }
            failures.add(ItemFailure.of(record.id(), i, new InvalidInputException("item '" + record.id() + "' has "
                    + record.segments().size() + " segments; ElasticsearchVectorStore does not hold segmented items"
                    + " (videos) yet: keep them in an ExactVectorStore")));
            return true;
        });
        boolean severalRequests = valid.size() > bulkBatchSize;
        Refresh refresh = severalRequests ? Refresh.False : refreshPolicy.refresh();
        boolean requestFailed = false;
        for (int start = 0; start < valid.size(); start += bulkBatchSize) {
            List<Integer> batch = valid.subList(start, Math.min(valid.size(), start + bulkBatchSize));
            requestFailed |= !writeBatch(records, batch, refresh, failures);
        }
        if (severalRequests) {
            refreshAfterSeveralRequests(requestFailed);
        }
        failures.sort(Comparator.comparingInt(ItemFailure::index));
        return new BatchResult(records.size(), failures);
    }

    /** @return false when the whole bulk request failed (each of its records is then reported in failures) */
    private boolean writeBatch(List<VectorRecord> records, List<Integer> batch, Refresh refresh,
            List<ItemFailure> failures) {
        List<BulkOperation> operations = new ArrayList<>(batch.size());
        for (int i : batch) {
            VectorRecord record = records.get(i);
            operations.add(BulkOperation.of(o -> o.index(x -> x.id(record.id()).document(Documents.document(record)))));
        }
        BulkResponse response;
        try {
            response = client.bulk(b -> b.index(index).refresh(refresh).operations(operations));
        } catch (IOException | ElasticsearchException e) {
            StoreException cause = failure("write a bulk request of " + batch.size() + " records", e);
            for (int i : batch) {
                failures.add(ItemFailure.of(records.get(i).id(), i, cause));
            }
            return false;
        }
        List<BulkResponseItem> items = response.items();
        for (int j = 0; j < items.size(); j++) {
            int i = batch.get(j);
            VectorRecord record = records.get(i);
            ErrorCause error = items.get(j).error();
            if (error == null) {
                knownKeys.addAll(record.metadata().keySet());
            } else {
                failures.add(ItemFailure.of(record.id(), i, rejected(record.id(), error)));
            }
        }
        return true;
    }

    /** The exception for a record Elasticsearch rejected: bad input when it could not parse or map it. */
    private RuntimeException rejected(String id, ErrorCause error) {
        String message = "Elasticsearch index '" + index + "' rejected item '" + id + "': " + error.type() + ": "
                + error.reason();
        switch (error.type()) {
            case "document_parsing_exception":
            case "mapper_parsing_exception":
            case "illegal_argument_exception":
            case "strict_dynamic_mapping_exception":
                return new InvalidInputException(message);
            default:
                return new StoreException(message);
        }
    }

    /**
     * Ends a write call that sent several bulk requests, each without a refresh: Elasticsearch refreshes (or waits
     * for) only the shards a request touched, so the whole index is refreshed once instead, unless the policy is
     * {@link RefreshPolicy#NONE}.
     *
     * @param requestFailed whether a request of the call failed; then a failing refresh is not reported, as the
     *     request's failure is reported already and says what is wrong with the cluster
     */
    private void refreshAfterSeveralRequests(boolean requestFailed) {
        if (refreshPolicy == RefreshPolicy.NONE) {
            return;
        }
        try {
            refresh();
        } catch (StoreException e) {
            if (!requestFailed) {
                throw e;
            }
        }
    }

    @Override
    public int delete(Collection<String> ids) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        ids.forEach(Ids::check);
        List<String> candidates = List.copyOf(ids);
        boolean severalRequests = candidates.size() > bulkBatchSize;
        Refresh refresh = severalRequests ? Refresh.False : refreshPolicy.refresh();
        int deleted = 0;
        for (int start = 0; start < candidates.size(); start += bulkBatchSize) {
            List<String> batch = candidates.subList(start, Math.min(candidates.size(), start + bulkBatchSize));
            List<BulkOperation> operations = batch.stream()
                    .map(id -> BulkOperation.of(o -> o.delete(d -> d.id(id)))).collect(Collectors.toList());
            BulkResponse response = call("delete " + batch.size() + " records",
                    () -> client.bulk(b -> b.index(index).refresh(refresh).operations(operations)));
            for (BulkResponseItem item : response.items()) {
                if (item.error() != null) {
                    throw new StoreException("Elasticsearch index '" + index + "' at " + hostsText
                            + " failed to delete item '" + item.id() + "': " + item.error().type() + ": "
                            + item.error().reason());
                }
                if ("deleted".equals(item.result())) {
                    deleted++;
                }
            }
        }
        if (severalRequests) {
            refreshAfterSeveralRequests(false);
        }
        return deleted;
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        Ids.check(id);
        GetRequest get = GetRequest.of(g -> g.index(index).id(id).sourceIncludes(METADATA_AND_VECTOR));
        GetResponse<Map<String, Object>> response = read("get item '" + id + "'",
                () -> transport.performRequest(get, GET, client._transportOptions()));
        if (!response.found()) {
            return Optional.empty();
        }
        Map<String, Object> source = response.source();
        return Optional.of(new VectorRecord(id, Documents.vectorOf(id, source), Documents.metadataOf(id, source)));
    }

    @Override
    public long count() {
        return read("count the records", () -> client.count(c -> c.index(index))).count();
    }

    @Override
    public List<SearchHit> search(SearchRequest request) {
        if (request == null) {
            throw new InvalidInputException("search request must not be null");
        }
        float[] query = request.vector();
        Vectors.check("query vector", query, dimension, metric);
        Filter filter = request.filter();
        Query filterQuery = null;
        if (filter != null) {
            requireKnownKeys(filter);
            filterQuery = FilterTranslator.translate(filter);
        }
        int k = rescore ? Math.min(MAX_NUM_CANDIDATES, request.topK() * INT8_OVERSAMPLING) : request.topK();
        int candidates = Math.min(MAX_NUM_CANDIDATES, Math.max(numCandidates, k));
        boolean withVectors = request.includeVectors() || rescore;
        List<Float> queryVector = new ArrayList<>(query.length);
        for (float component : query) {
            queryVector.add(component);
        }
        Query knnFilter = filterQuery;
        co.elastic.clients.elasticsearch.core.SearchRequest search = co.elastic.clients.elasticsearch.core
                .SearchRequest.of(s -> s.index(index)
                        .knn(knn -> {
                            knn.field(Documents.VECTOR).queryVector(queryVector).k(k).numCandidates(candidates);
                            return knnFilter == null ? knn : knn.filter(knnFilter);
                        })
                        .size(k)
                        .source(src -> src.filter(f -> f.includes(withVectors ? METADATA_AND_VECTOR : METADATA_ONLY)))
                        .trackTotalHits(t -> t.enabled(false))
                        .allowPartialSearchResults(false));
        SearchResponse<Map<String, Object>> response = read("search",
                () -> transport.performRequest(search, SEARCH, client._transportOptions()));

        List<SearchHit> hits = new ArrayList<>(response.hits().hits().size());
        for (Hit<Map<String, Object>> hit : response.hits().hits()) {
            String id = hit.id();
            Map<String, Object> source = hit.source();
            float[] vector = withVectors ? Documents.vectorOf(id, source) : null;
            double score = rescore ? metric.score(query, vector) : Similarity.toMetricScore(metric, hit.score());
            if (request.accepts(score)) {
                hits.add(new SearchHit(id, score, Documents.metadataOf(id, source),
                        request.includeVectors() ? vector : null));
            }
        }
        if (rescore) {
            hits.sort(Comparator.comparingDouble(SearchHit::score).reversed());
            return hits.size() > request.topK() ? List.copyOf(hits.subList(0, request.topK())) : hits;
        }
        return hits;
    }

    private void requireKnownKeys(Filter filter) {
        if (!knownKeys.containsAll(filter.keys())) {
            // Another client may have written the key since this store last looked.
            knownKeys.addAll(IndexMapping.metadataKeys(mapping()));
        }
        filter.requireKnownKeys(knownKeys);
    }

    @Override
    public Set<String> metadataKeys() {
        knownKeys.addAll(IndexMapping.metadataKeys(mapping()));
        return Set.copyOf(knownKeys);
    }

    /**
     * Makes every write so far visible to {@link #search} and {@link #count()} now, whatever the
     * {@link RefreshPolicy}. Useful after bulk loading with {@link RefreshPolicy#NONE}.
     *
     * @throws StoreException when the cluster fails
     */
    public void refresh() {
        call("refresh the index", () -> client.indices().refresh(r -> r.index(index)));
    }

    /**
     * Deletes the index and everything in it. Afterwards this store can only be closed; build a new one to use
     * the index name again.
     *
     * @throws StoreException when the cluster fails
     */
    public void deleteIndex() {
        call("delete the index", () -> client.indices().delete(d -> d.index(index)));
        knownKeys.clear();
    }

    /** Releases the HTTP client's connections and threads. Idempotent. */
    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new StoreException("could not close the connection to Elasticsearch at " + hostsText, e);
        }
    }

    // ---------------------------------------------------------------- keyword search and hybrid search

    /**
     * The keyword side of this store, for {@code MultimodalRag.builder().keywordIndex(...)}: keyword fields live in
     * the items' documents, so an item must be written to the store (its vector) before its keyword document, and
     * writing the vector again (a vector upsert replaces the whole document) clears its keyword fields until they
     * are written again, which {@code MultimodalRag} does. Its {@code upsert} replaces an item's keyword fields (a
     * field the new document lacks is cleared) and reports a document whose item is not in the store; its
     * {@code delete} clears the keyword fields and keeps the item; its {@code count} counts items with keyword
     * fields; its {@code close} does nothing (the store owns the connection). Indexes created before keyword search
     * existed lack the keyword mapping and analyzer: writing keyword documents to them fails with a message saying so.
     *
     * @return the keyword index on this store's index
     */
    public KeywordIndex keywordIndex() {
        return keywordIndex;
    }

    BatchResult upsertKeywords(List<KeywordDocument> documents) {
        if (documents == null) {
            throw new InvalidInputException("documents must not be null");
        }
        List<ItemFailure> failures = new ArrayList<>();
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            if (documents.get(i) == null) {
                failures.add(new ItemFailure(null, i, "document at index " + i + " is null", null));
            } else {
                last.remove(documents.get(i).id());
                last.put(documents.get(i).id(), i);
            }
        }
        List<Integer> valid = new ArrayList<>(last.values());
        boolean severalRequests = valid.size() > bulkBatchSize;
        Refresh refresh = severalRequests ? Refresh.False : refreshPolicy.refresh();
        boolean requestFailed = false;
        for (int start = 0; start < valid.size(); start += bulkBatchSize) {
            List<Integer> batch = valid.subList(start, Math.min(valid.size(), start + bulkBatchSize));
            requestFailed |= !writeKeywordBatch(documents, batch, refresh, failures);
        }
        if (severalRequests) {
            refreshAfterSeveralRequests(requestFailed);
        }
        failures.sort(Comparator.comparingInt(ItemFailure::index));
        return new BatchResult(documents.size(), failures);
    }

    private boolean writeKeywordBatch(List<KeywordDocument> documents, List<Integer> batch, Refresh refresh,
            List<ItemFailure> failures) {
        List<BulkOperation> operations = new ArrayList<>(batch.size());
        for (int i : batch) {
            KeywordDocument document = documents.get(i);
            Set<String> fields = new LinkedHashSet<>(knownTextFields);
            fields.addAll(document.fields().keySet());
            Map<String, String> text = new LinkedHashMap<>();
            for (String field : fields) {
                text.put(Documents.fieldName(field), document.fields().get(field)); // null clears an old field
            }
            co.elastic.clients.json.JsonpSerializable partial = (generator, mapper) -> {
                generator.writeStartObject();
                generator.writeKey(Documents.TEXT);
                generator.writeStartObject();
                text.forEach((name, value) -> {
                    if (value == null) {
                        generator.writeNull(name);
                    } else {
                        generator.write(name, value);
                    }
                });
                generator.writeEnd();
                generator.writeEnd();
            };
            operations.add(BulkOperation.of(o -> o.update(u -> u.id(document.id())
                    .action(a -> a.doc(partial).docAsUpsert(false)))));
        }
        BulkResponse response;
        try {
            response = client.bulk(b -> b.index(index).refresh(refresh).operations(operations));
        } catch (IOException | ElasticsearchException e) {
            StoreException cause = failure("write the keyword fields of " + batch.size() + " items", e);
            for (int i : batch) {
                failures.add(ItemFailure.of(documents.get(i).id(), i, cause));
            }
            return false;
        }
        List<BulkResponseItem> items = response.items();
        for (int j = 0; j < items.size(); j++) {
            int i = batch.get(j);
            KeywordDocument document = documents.get(i);
            ErrorCause error = items.get(j).error();
            if (error == null) {
                knownTextFields.addAll(document.fields().keySet());
            } else if ("document_missing_exception".equals(error.type())) {
                failures.add(ItemFailure.of(document.id(), i, new InvalidInputException("item '" + document.id()
                        + "' is not in Elasticsearch index '" + index + "'; write its vector first (keyword fields"
                        + " live in the item's document)")));
            } else if ("strict_dynamic_mapping_exception".equals(error.type())) {
                failures.add(ItemFailure.of(document.id(), i, new StoreException("Elasticsearch index '" + index
                        + "' was created without keyword fields (before keyword search existed); create a new index"
                        + " to use keyword search: " + error.reason())));
            } else {
                failures.add(ItemFailure.of(document.id(), i, rejected(document.id(), error)));
            }
        }
        return true;
    }

    int deleteKeywords(Collection<String> ids) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        ids.forEach(Ids::check);
        List<String> candidates = List.copyOf(new LinkedHashSet<>(ids));
        int cleared = 0;
        for (int start = 0; start < candidates.size(); start += bulkBatchSize) {
            List<String> batch = candidates.subList(start, Math.min(candidates.size(), start + bulkBatchSize));
            co.elastic.clients.json.JsonpSerializable clear = (generator, mapper) -> {
                generator.writeStartObject();
                generator.writeNull(Documents.TEXT);
                generator.writeEnd();
            };
            List<BulkOperation> operations = batch.stream().map(id -> BulkOperation.of(o -> o.update(u -> u.id(id)
                    .action(a -> a.doc(clear).docAsUpsert(false))))).collect(Collectors.toList());
            BulkResponse response = call("clear the keyword fields of " + batch.size() + " items",
                    () -> client.bulk(b -> b.index(index).refresh(refreshPolicy.refresh()).operations(operations)));
            for (BulkResponseItem item : response.items()) {
                if (item.error() == null) {
                    cleared += "updated".equals(item.result()) ? 1 : 0;
                } else if (!"document_missing_exception".equals(item.error().type())) {
                    throw new StoreException("Elasticsearch index '" + index + "' at " + hostsText
                            + " failed to clear the keyword fields of '" + item.id() + "': " + item.error().type()
                            + ": " + item.error().reason());
                }
            }
        }
        return cleared;
    }

    long countKeywords() {
        return read("count the items with keyword fields", () -> client.count(c -> c.index(index)
                .query(q -> q.exists(e -> e.field(Documents.TEXT + ".*"))))).count();
    }

    /** The multi_match query of a keyword request, or null when no field can be searched. */
    private Query keywordQuery(KeywordSearchRequest request) {
        List<String> fields = new ArrayList<>();
        if (request.fieldBoosts().isEmpty()) {
            fields.add(Documents.TEXT + ".*");
        } else {
            request.fieldBoosts().forEach((field, boost) -> fields.add(Documents.TEXT + "." + Documents.fieldName(field)
                    + (boost == 1.0 ? "" : "^" + (float) (double) boost)));
        }
        return Query.of(q -> q.multiMatch(m -> m.query(request.text()).fields(fields).type(TextQueryType.MostFields)
                .lenient(true)));
    }

    List<SearchHit> searchKeywords(KeywordSearchRequest request) {
        if (request == null) {
            throw new InvalidInputException("keyword search request must not be null");
        }
        Query filterQuery = null;
        if (request.filter() != null) {
            requireKnownKeys(request.filter());
            filterQuery = FilterTranslator.translate(request.filter());
        }
        Query text = keywordQuery(request);
        Query filter = filterQuery;
        Query query = filter == null ? text : Query.of(q -> q.bool(b -> b.must(text).filter(filter)));
        co.elastic.clients.elasticsearch.core.SearchRequest search = co.elastic.clients.elasticsearch.core
                .SearchRequest.of(s -> s.index(index).query(query).size(request.topK())
                        .source(src -> src.filter(f -> f.includes(METADATA_ONLY)))
                        .trackTotalHits(t -> t.enabled(false))
                        .allowPartialSearchResults(false));
        SearchResponse<Map<String, Object>> response = read("search keywords",
                () -> transport.performRequest(search, SEARCH, client._transportOptions()));
        List<SearchHit> hits = new ArrayList<>(response.hits().hits().size());
        for (Hit<Map<String, Object>> hit : response.hits().hits()) {
            Double score = hit.score();
            hits.add(SearchHit.of(hit.id(), score == null ? 0 : score, Documents.metadataOf(hit.id(), hit.source())));
        }
        return hits;
    }

    /**
     * A keyword search and a vector search fused by reciprocal rank fusion, {@code score = sum of 1 / (k + rank)}
     * with the rank constant {@code k} of {@link Builder#hybridRankConstant(int)}, over the top
     * {@code max(vector topK, keyword topK)} of each list. With {@link HybridMode#NATIVE_RRF} it is one request (the
     * {@code rrf} retriever); with {@link HybridMode#JAVA_FUSION} it is {@link #search} and the keyword search, fused
     * here. The vector request's filter applies to both; its minimum score and vector flag are not used.
     *
     * @param vector the vector search (its topK is the number of fused hits returned)
     * @param keywords the keyword search (its filter is replaced by the vector request's)
     * @return at most {@code vector.topK()} hits, best first, with their fused scores
     */
    public List<SearchHit> hybridSearch(SearchRequest vector, KeywordSearchRequest keywords) {
        if (vector == null || keywords == null) {
            throw new InvalidInputException("a hybrid search needs a vector request and a keyword request");
        }
        Vectors.check("query vector", vector.vector(), dimension, metric);
        int window = Math.max(vector.topK(), keywords.topK());
        KeywordSearchRequest keywordRequest = new KeywordSearchRequest(keywords.text(), window, vector.filter(),
                keywords.fieldBoosts());
        if (hybridMode() == HybridMode.NATIVE_RRF) {
            try {
                return nativeHybrid(vector, keywordRequest, window);
            } catch (StoreException e) {
                if (!isLicenceProblem(e)) {
                    throw e;
                }
                hybridMode = HybridMode.JAVA_FUSION;
                LOG.log(System.Logger.Level.INFO, "Elasticsearch index ''{0}'': the rrf retriever was refused ({1}); "
                        + "hybrid search fuses in Java from now on", index, e.getMessage());
            }
        }
        List<SearchHit> keywordHits = searchKeywords(keywordRequest);
        List<SearchHit> vectorHits = search(SearchRequest.builder(vector.vector(), window).filter(vector.filter())
                .build());
        Map<String, SearchHit> first = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<SearchHit> list : List.of(vectorHits, keywordHits)) {
            for (int rank = 1; rank <= list.size(); rank++) {
                SearchHit hit = list.get(rank - 1);
                first.putIfAbsent(hit.id(), hit);
                scores.merge(hit.id(), 1.0 / (hybridRankConstant + rank), Double::sum);
            }
        }
        List<SearchHit> fused = new ArrayList<>();
        first.forEach((id, hit) -> fused.add(SearchHit.of(id, scores.get(id), hit.metadata())));
        fused.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return fused.size() > vector.topK() ? List.copyOf(fused.subList(0, vector.topK())) : fused;
    }

    private List<SearchHit> nativeHybrid(SearchRequest vector, KeywordSearchRequest keywords, int window) {
        Query filterQuery = null;
        if (vector.filter() != null) {
            requireKnownKeys(vector.filter());
            filterQuery = FilterTranslator.translate(vector.filter());
        }
        Query text = keywordQuery(keywords);
        Query filter = filterQuery;
        List<Float> queryVector = new ArrayList<>(dimension);
        for (float component : vector.vector()) {
            queryVector.add(component);
        }
        int candidates = Math.min(MAX_NUM_CANDIDATES, Math.max(numCandidates, window));
        co.elastic.clients.elasticsearch.core.SearchRequest search = co.elastic.clients.elasticsearch.core
                .SearchRequest.of(s -> s.index(index)
                        .retriever(r -> r.rrf(rrf -> rrf.rankConstant(hybridRankConstant).rankWindowSize(window)
                                .retrievers(
                                        co.elastic.clients.elasticsearch._types.Retriever.of(x -> x.knn(knn -> {
                                            knn.field(Documents.VECTOR).queryVector(queryVector).k(window)
                                                    .numCandidates(candidates);
                                            return filter == null ? knn : knn.filter(filter);
                                        })),
                                        co.elastic.clients.elasticsearch._types.Retriever.of(x -> x.standard(st -> {
                                            st.query(text);
                                            return filter == null ? st : st.filter(filter);
                                        })))))
                        .size(vector.topK())
                        .source(src -> src.filter(f -> f.includes(METADATA_ONLY)))
                        .allowPartialSearchResults(false));
        SearchResponse<Map<String, Object>> response = read("run a hybrid (rrf) search",
                () -> transport.performRequest(search, SEARCH, client._transportOptions()));
        List<SearchHit> hits = new ArrayList<>();
        for (Hit<Map<String, Object>> hit : response.hits().hits()) {
            Double score = hit.score();
            hits.add(SearchHit.of(hit.id(), score == null ? 0 : score, Documents.metadataOf(hit.id(), hit.source())));
        }
        return hits;
    }

    /**
     * @return whether the cluster refused the rrf retriever itself (a licence without it, or a cluster that does
     *     not know it), as opposed to any other failure, which is reported as it is
     */
    private static boolean isLicenceProblem(StoreException e) {
        if (!(e.getCause() instanceof ElasticsearchException)) {
            return false;
        }
        ErrorCause error = ((ElasticsearchException) e.getCause()).error();
        String reason = String.valueOf(error.reason()).toLowerCase(java.util.Locale.ROOT);
        return reason.contains("license") || reason.contains("unknown retriever")
                || (reason.contains("rrf") && reason.contains("retriever"));
    }

    /**
     * Which way {@link #hybridSearch} fuses, detected once from the cluster's licence ({@code GET _license}): the
     * {@code rrf} retriever needs a platinum, enterprise or trial licence; a basic licence, or a cluster without
     * the licence API (such as the integration-test distribution), gets {@link HybridMode#JAVA_FUSION}. When the
     * cluster refuses the retriever after all, the store switches to Java fusion and logs it.
     *
     * @return the mode
     */
    public HybridMode hybridMode() {
        HybridMode mode = hybridMode;
        if (mode == null) {
            String type;
            try {
                type = client.license().get().license().type().jsonValue();
            } catch (IOException | RuntimeException e) {
                type = null;
            }
            mode = type != null && List.of("platinum", "enterprise", "trial").contains(type)
                    ? HybridMode.NATIVE_RRF : HybridMode.JAVA_FUSION;
            hybridMode = mode;
            LOG.log(System.Logger.Level.INFO, "Elasticsearch index ''{0}'': licence {1}; hybrid search uses {2}",
                    index, type == null ? "unknown (no licence API)" : type, mode);
        }
        return mode;
    }

    @Override
    public String toString() {
        return "ElasticsearchVectorStore[index=" + index + ", hosts=" + hostsText + ", dimension=" + dimension
                + ", metric=" + metric + ", indexOptions=" + indexOptionsType + "]";
    }

    /** A call to the cluster. */
    @FunctionalInterface
    private interface ClusterCall<T> {
        T run() throws IOException;
    }

    private <T> T call(String action, ClusterCall<T> call) {
        try {
            return call.run();
        } catch (IOException | ElasticsearchException e) {
            throw failure(action, e);
        }
    }

    /**
     * Runs a read, which is safe to repeat, retrying it after a transient failure: a node that left the cluster
     * during the request (a kNN search's later phases must run on the shard copies its first phase used), an
     * overloaded or unavailable cluster (HTTP 429, 5xx), or no host reachable at the moment. Waits 100 ms, then
     * 200 ms, ... between attempts.
     */
    private <T> T read(String action, ClusterCall<T> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.run();
            } catch (IOException | ElasticsearchException e) {
                if (attempt >= readRetries || !isTransient(e)) {
                    throw failure(action + (attempt == 0 ? "" : " (after " + (attempt + 1) + " attempts)"), e);
                }
            }
            try {
                Thread.sleep(100L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while retrying to " + action + " on Elasticsearch index '"
                        + index + "'", e);
            }
        }
    }

    private static boolean isTransient(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return false; // an untrusted certificate does not become trusted by asking again
            }
        }
        int status = statusOf(e);
        // No status: no host answered (connection refused, reset or timed out).
        return status == -1 || status == 429 || status >= 500;
    }

    private StoreException failure(String action, Exception e) {
        int status = statusOf(e);
        StringBuilder message = new StringBuilder("Elasticsearch index '").append(index).append("' at ")
                .append(hostsText).append(": could not ").append(action).append(": ");
        if (status > 0) {
            message.append("HTTP ").append(status).append(", ");
        }
        if (e instanceof ElasticsearchException) {
            ErrorCause error = ((ElasticsearchException) e).error();
            message.append(error.type()).append(": ").append(error.reason());
        } else {
            message.append(e.getClass().getSimpleName()).append(e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        if (status == 401) {
            message.append(" (check the API key, or the user name and password)");
        } else if (status == 403) {
            message.append(" (the credentials lack a privilege this operation needs on the index)");
        }
        return new StoreException(message.toString(), e);
    }

    /** @return the HTTP status of a failed request, or -1 when there was no response */
    private static int statusOf(Exception e) {
        if (e instanceof ElasticsearchException) {
            return ((ElasticsearchException) e).status();
        }
        if (e instanceof ResponseException) {
            return ((ResponseException) e).getResponse().getStatusLine().getStatusCode();
        }
        if (e instanceof TransportException) {
            return ((TransportException) e).statusCode();
        }
        return -1;
    }

    /**
     * Builds an {@link ElasticsearchVectorStore}; see {@link ElasticsearchVectorStore#builder(String, int)} for the
     * defaults. Not thread-safe. Its {@link #toString()} hides the API key and password.
     */
    public static final class Builder {
        private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][^\\\\/*?\"<>| ,#:A-Z]*");

        private final String index;
        private final int dimension;
        private Metric metric = Metric.COSINE;
        private List<String> hosts = List.of("http://localhost:9200");
        private VectorIndexType indexType = VectorIndexType.HNSW;
        private int m = 16;
        private int efConstruction = 100;
        private int numCandidates = 100;
        private RefreshPolicy refreshPolicy = RefreshPolicy.WAIT_FOR;
        private int shards = 1;
        private int replicas = 1;
        private int bulkBatchSize = 500;
        private int readRetries = 2;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration socketTimeout = Duration.ofSeconds(60);
        private int hybridRankConstant = 60;
        private String apiKey;
        private String username;
        private String password;
        private Path caCertificate;

        private Builder(String index, int dimension) {
            if (index == null || !INDEX_NAME.matcher(index).matches() || index.length() > 255) {
                throw new InvalidInputException("index name '" + index + "' is not allowed; expected at most 255 "
                        + "lower-case characters, starting with a letter or digit, without \\ / * ? \" < > | , # :"
                        + " or spaces");
            }
            if (dimension < 1 || dimension > 4096) {
                throw new InvalidInputException("dimension is " + dimension + "; expected 1 to 4096 (the limit of "
                        + "Elasticsearch's dense_vector)");
            }
            this.index = index;
            this.dimension = dimension;
        }

        /**
         * @param metric how vectors are compared (default {@link Metric#COSINE})
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = require(metric, "metric");
            return this;
        }

        /**
         * @param urls one or more node URLs such as {@code https://es1.example.com:9200} (default
         *     {@code http://localhost:9200}); requests are spread over them and fail over when a node is down.
         *     Credentials do not belong in the URLs: use {@link #apiKey(String)} or {@link #basicAuth(String, String)}.
         * @return this builder
         */
        public Builder hosts(String... urls) {
            if (urls == null || urls.length == 0) {
                throw new InvalidInputException("at least one Elasticsearch host URL is needed");
            }
            this.hosts = List.of(urls.clone());
            return this;
        }

        /**
         * @param indexType how vectors are indexed (default {@link VectorIndexType#HNSW}); used when the index is
         *     created. An existing index keeps its own: the store reads it from the mapping and, when the vectors are
         *     quantised (any type but {@code hnsw} and {@code flat}), recomputes scores from the float vectors as
         *     for {@link VectorIndexType#INT8_HNSW}.
         * @return this builder
         */
        public Builder indexType(VectorIndexType indexType) {
            this.indexType = require(indexType, "indexType");
            return this;
        }

        /**
         * @param m the HNSW graph's neighbours per node, 2 to 100 (default 16, Elasticsearch's); used when the
         *     index is created
         * @return this builder
         */
        public Builder m(int m) {
            this.m = inRange("m", m, 2, 100);
            return this;
        }

        /**
         * @param efConstruction the HNSW candidates considered while inserting, 1 to 3200 (default 100,
         *     Elasticsearch's); used when the index is created
         * @return this builder
         */
        public Builder efConstruction(int efConstruction) {
            this.efConstruction = inRange("efConstruction", efConstruction, 1, 3200);
            return this;
        }

        /**
         * @param numCandidates the kNN candidates explored per shard, 1 to 10000
         *     (default 100); a search explores {@code max(numCandidates, topK)}. Higher is slower and more exact.
         * @return this builder
         */
        public Builder numCandidates(int numCandidates) {
            this.numCandidates = inRange("numCandidates", numCandidates, 1, MAX_NUM_CANDIDATES);
            return this;
        }

        /**
         * @param rankConstant the rank constant of {@link ElasticsearchVectorStore#hybridSearch}'s reciprocal rank
         *     fusion (default 60), at least 1
         * @return this builder
         */
        public Builder hybridRankConstant(int rankConstant) {
            this.hybridRankConstant = inRange("hybridRankConstant", rankConstant, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * @param refreshPolicy when writes become visible to search and count (default {@link RefreshPolicy#WAIT_FOR})
         * @return this builder
         */
        public Builder refreshPolicy(RefreshPolicy refreshPolicy) {
            this.refreshPolicy = require(refreshPolicy, "refreshPolicy");
            return this;
        }

        /**
         * @param shards the primary shards of a new index, 1 to 1024 (default 1)
         * @return this builder
         */
        public Builder shards(int shards) {
            this.shards = inRange("shards", shards, 1, 1024);
            return this;
        }

        /**
         * @param replicas the replicas of each shard of a new index, 0 to 16 (default 1, so that a cluster survives
         *     the loss of a node; a single-node cluster then reports yellow health, which is harmless)
         * @return this builder
         */
        public Builder replicas(int replicas) {
            this.replicas = inRange("replicas", replicas, 0, 16);
            return this;
        }

        /**
         * @param bulkBatchSize records per bulk request, 1 to 10000 (default 500)
         * @return this builder
         */
        public Builder bulkBatchSize(int bulkBatchSize) {
            this.bulkBatchSize = inRange("bulkBatchSize", bulkBatchSize, 1, 10_000);
            return this;
        }

        /**
         * @param readRetries how often a read (search, get, count) that failed transiently is repeated, 0 to 10
         *     (default 2): after a node left the cluster during the request, HTTP 429 or 5xx, or when no host
         *     answered. Writes are not repeated; a failed write is reported.
         * @return this builder
         */
        public Builder readRetries(int readRetries) {
            this.readRetries = inRange("readRetries", readRetries, 0, 10);
            return this;
        }

        /**
         * @param connectTimeout how long to wait for a connection (default 5 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * @param socketTimeout how long to wait for a response (default 60 s)
         * @return this builder
         */
        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = positive("socketTimeout", socketTimeout);
            return this;
        }

        /**
         * Authenticates with an API key (sent as {@code Authorization: ApiKey ...}). Exclusive with basic auth.
         *
         * @param encodedApiKey the {@code encoded} value Elasticsearch returns when creating the key
         * @return this builder
         */
        public Builder apiKey(String encodedApiKey) {
            if (encodedApiKey == null || encodedApiKey.isBlank()) {
                throw new InvalidInputException("API key is blank; expected the 'encoded' value of a created key");
            }
            this.apiKey = encodedApiKey.trim();
            return this;
        }

        /**
         * Authenticates with a user name and password. Exclusive with an API key.
         *
         * @param username the user
         * @param password the password
         * @return this builder
         */
        public Builder basicAuth(String username, String password) {
            if (username == null || username.isBlank() || password == null) {
                throw new InvalidInputException("basic auth needs a user name and a password");
            }
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * @param caCertificate a PEM file of the CA that signed the cluster's HTTP certificate (such as
         *     {@code config/certs/http_ca.crt}), trusted for https hosts in addition to nothing else (default: the
         *     JDK's trusted CAs)
         * @return this builder
         */
        public Builder caCertificate(Path caCertificate) {
            this.caCertificate = require(caCertificate, "caCertificate");
            return this;
        }

        /**
         * Connects, creates the index when it is missing, and checks it.
         *
         * @return the store; close it when done
         * @throws InvalidInputException when a setting is wrong or the existing index disagrees with the store
         * @throws StoreException when the cluster cannot be reached or fails
         */
        public ElasticsearchVectorStore build() {
            if (apiKey != null && username != null) {
                throw new InvalidInputException("both an API key and basic auth are set; choose one");
            }
            List<HttpHost> parsed = hosts.stream().map(Connections::parseHost).collect(Collectors.toList());
            if (caCertificate != null && parsed.stream().noneMatch(h -> "https".equals(h.getSchemeName()))) {
                throw new InvalidInputException("a CA certificate is set but no host uses https: " + hosts);
            }
            return new ElasticsearchVectorStore(this, parsed);
        }

        @Override
        public String toString() {
            return "ElasticsearchVectorStore.Builder[index=" + index + ", dimension=" + dimension + ", metric="
                    + metric + ", hosts=" + hosts + ", indexType=" + indexType + ", m=" + m + ", efConstruction="
                    + efConstruction + ", numCandidates=" + numCandidates + ", refreshPolicy=" + refreshPolicy
                    + ", shards=" + shards + ", replicas=" + replicas + ", bulkBatchSize=" + bulkBatchSize
                    + ", readRetries=" + readRetries
                    + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + ", auth="
                    + (apiKey != null ? "api key (hidden)" : username != null ? "basic, user " + username
                    + ", password (hidden)" : "none") + ", caCertificate=" + caCertificate + "]";
        }

        private static <T> T require(T value, String name) {
            if (value == null) {
                throw new InvalidInputException(name + " must not be null");
            }
            return value;
        }

        private static int inRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new InvalidInputException(name + " is " + value + "; expected " + min + " to " + max);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            require(value, name);
            if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new InvalidInputException(name + " is " + value + "; expected a positive duration under 24 days");
            }
            return value;
        }
    }
}
