/**
 * A {@link dev.mmrag.api.VectorStore} on an Elasticsearch 8 cluster, for catalogues that outgrow one machine or
 * indexes shared by many application servers: {@link dev.mmrag.store.elasticsearch.ElasticsearchVectorStore}, built
 * with its {@link dev.mmrag.store.elasticsearch.ElasticsearchVectorStore.Builder}, and the choices it takes
 * ({@link dev.mmrag.store.elasticsearch.VectorIndexType}, {@link dev.mmrag.store.elasticsearch.RefreshPolicy}).
 *
 * <p>Tests and developers run a local node with {@code scripts/elasticsearch.sh}.
 */
package dev.mmrag.store.elasticsearch;
