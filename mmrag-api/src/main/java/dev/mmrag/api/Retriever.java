package dev.mmrag.api;

import java.util.List;

/**
 * Stage 1: finds the items relevant to a query (encode the query, search the store, fuse, filter).
 *
 * <p>Thread-safety: implementations state theirs; mmrag's default retriever is safe for concurrent use.
 */
@FunctionalInterface
public interface Retriever {

    /**
     * @param query the query
     * @return at most {@code query.topK()} items, best first
     */
    List<Retrieved> retrieve(Query query);
}
