package dev.mmrag.api;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A keyword (full-text) index of items: finds the items whose words match a query text, ranked by a lexical
 * relevance score such as BM25. Port of stage 0 (indexing) and stage 1 (retrieval), next to the
 * {@link VectorStore}: {@code DefaultRetriever} fuses its ranking with the vector rankings (hybrid retrieval),
 * which finds what embeddings are poor at: brands, product codes, rare words.
 *
 * <p>Behaviour every implementation keeps (tested by {@code KeywordIndexContract}):
 * <ul>
 *   <li>upsert replaces the document of an existing id, fields and metadata alike: words of the old text no
 *       longer find it (within one batch, the last document for an id wins);</li>
 *   <li>delete is idempotent: deleting an unknown id is not an error;</li>
 *   <li>search returns hits best first (highest score first), at most {@code topK}, each matching at least one
 *       word of the query in a searched field, and all matching the {@link Filter} with the same semantics as
 *       the vector stores (including the refusal of a key no document ever had);</li>
 *   <li>a query text that yields no searchable word (only punctuation, say) finds nothing rather than failing;</li>
 *   <li>a write is visible to {@link #count()} and {@link #search} when the write call returns.</li>
 * </ul>
 * Hits are {@link SearchHit}s without vectors; their scores are the engine's, comparable only within one result
 * list.
 *
 * <p>Thread-safety: implementations state theirs; the ones shipped with mmrag are safe for concurrent use.
 */
public interface KeywordIndex extends AutoCloseable {

    /**
     * Indexes documents, replacing documents with the same ids.
     *
     * @param documents the documents
     * @return which documents failed and why; the others are indexed
     */
    BatchResult upsert(List<KeywordDocument> documents);

    /**
     * Indexes or replaces one document.
     *
     * @param document the document
     * @throws InvalidInputException when the document does not fit this index
     */
    default void upsert(KeywordDocument document) {
        upsert(List.of(document)).throwIfFailed();
    }

    /**
     * Deletes documents by id. Unknown ids are ignored.
     *
     * @param ids the ids
     * @return how many documents were deleted
     */
    int delete(Collection<String> ids);

    /** @return how many documents are indexed */
    long count();

    /**
     * Finds the documents that best match a query text.
     *
     * @param request the text, topK, and optional filter and per-field boosts
     * @return at most topK hits, best first
     * @throws InvalidInputException when the filter names an unknown key
     */
    List<SearchHit> search(KeywordSearchRequest request);

    /** @return the metadata keys of every document ever written (filters may name these) */
    Set<String> metadataKeys();

    /** Releases resources. The default does nothing. */
    @Override
    default void close() {
    }
}
