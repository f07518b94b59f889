package dev.mmrag.store.elasticsearch;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.SearchHit;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The {@link KeywordIndex} view of an {@link ElasticsearchVectorStore}: the keyword fields live in the same
 * Elasticsearch documents as the vectors (see {@link ElasticsearchVectorStore#keywordIndex()}).
 *
 * <p>Thread-safety: safe for concurrent use, like the store.
 */
final class ElasticsearchKeywordIndex implements KeywordIndex {

    private final ElasticsearchVectorStore store;

    ElasticsearchKeywordIndex(ElasticsearchVectorStore store) {
        this.store = store;
    }

    @Override
    public BatchResult upsert(List<KeywordDocument> documents) {
        return store.upsertKeywords(documents);
    }

    @Override
    public int delete(Collection<String> ids) {
        return store.deleteKeywords(ids);
    }

    @Override
    public long count() {
        return store.countKeywords();
    }

    @Override
    public List<SearchHit> search(KeywordSearchRequest request) {
        return store.searchKeywords(request);
    }

    @Override
    public Set<String> metadataKeys() {
        return store.metadataKeys();
    }

    /** Does nothing: the store owns the connection. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "ElasticsearchKeywordIndex[" + store + "]";
    }
}
