package dev.mmrag.store.elasticsearch;

/**
 * How {@link ElasticsearchVectorStore#hybridSearch} fuses its keyword and vector rankings.
 */
public enum HybridMode {
    /** One search request with Elasticsearch's {@code rrf} retriever (needs a licence that includes it). */
    NATIVE_RRF,
    /** A keyword search and a kNN search, fused in Java by the same reciprocal rank fusion. */
    JAVA_FUSION
}
