package dev.mmrag.store.elasticsearch;

/**
 * How Elasticsearch indexes the vectors of an {@link ElasticsearchVectorStore} (the {@code index_options.type} of
 * its {@code dense_vector} field).
 *
 * <p>Thread-safety: immutable.
 */
public enum VectorIndexType {
    /** An HNSW graph over the float vectors. Exact scores; 4 bytes per dimension in memory. The default. */
    HNSW("hnsw"),
    /**
     * An HNSW graph over vectors quantised to one byte per dimension (the float vectors are kept too): about a
     * quarter of the memory for the graph search. Elasticsearch's scores are then approximate, so the store asks
     * for three times {@code topK} hits, recomputes their scores from the float vectors exactly as the metric defines
     * them, and keeps the best {@code topK}: exact scores and a recall close to {@link #HNSW}'s, for more data
     * transferred per search.
     */
    INT8_HNSW("int8_hnsw");

    private final String elasticsearchName;

    VectorIndexType(String elasticsearchName) {
        this.elasticsearchName = elasticsearchName;
    }

    /** @return the name Elasticsearch uses in {@code index_options.type} */
    String elasticsearchName() {
        return elasticsearchName;
    }
}
