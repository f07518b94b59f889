package dev.mmrag.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store of vectors with metadata that finds the nearest ones to a query vector. Port of stage 0 (indexing)
 * and stage 1 (retrieval).
 *
 * <p>The {@link #dimension()} and {@link #metric()} are fixed when the store is built; every call checks
 * vectors against them. Behaviour every implementation keeps (tested by {@code VectorStoreContract}):
 * <ul>
 *   <li>upsert replaces the record of an existing id (within one batch, the last record for an id wins);</li>
 *   <li>a record the store cannot take (wrong dimension, a zero vector under cosine, anything else the store
 *       limits) is reported in the {@link BatchResult} and the rest of the batch is written (a non-finite
 *       component never gets this far: {@link VectorRecord} refuses it when the record is made);</li>
 *   <li>delete is idempotent: deleting an unknown id is not an error;</li>
 *   <li>search returns hits best first (highest score first; ties in any order), at most {@code topK}, all
 *       matching the filter and the minimum score;</li>
 *   <li>a filter naming a key no item ever written had is rejected, unless the store knows no key at all (see
 *       {@link Filter});</li>
 *   <li>a query vector of the wrong dimension or with NaN is rejected with an {@link InvalidInputException};</li>
 *   <li>a write is visible to {@link #get}, {@link #count} and {@link #search} when the write call returns (a
 *       remote store may offer a weaker refresh policy as an option, and says so).</li>
 * </ul>
 *
 * <p>Thread-safety: implementations state theirs; the in-process ones shipped with mmrag are safe for
 * concurrent use.
 */
public interface VectorStore extends AutoCloseable {

    /** @return the dimension of every vector in this store */
    int dimension();

    /** @return how vectors are compared */
    Metric metric();

    /**
     * Inserts records, replacing records with the same ids.
     *
     * @param records the records
     * @return which records failed and why; the others are stored
     */
    BatchResult upsert(List<VectorRecord> records);

    /**
     * Inserts or replaces one record.
     *
     * @param record the record
     * @throws InvalidInputException when the record does not fit this store
     */
    default void upsert(VectorRecord record) {
        upsert(List.of(record)).throwIfFailed();
    }

    /**
     * Deletes records by id. Unknown ids are ignored.
     *
     * @param ids the ids
     * @return how many records were deleted
     */
    int delete(Collection<String> ids);

    /**
     * @param id an id
     * @return the record with that id, if stored
     */
    Optional<VectorRecord> get(String id);

    /** @return how many records are stored */
    long count();

    /**
     * Finds the nearest records to a vector.
     *
     * @param request the query vector, topK, and optional filter and minimum score
     * @return at most topK hits, best first
     * @throws InvalidInputException when the vector does not fit this store or the filter names an unknown key
     */
    List<SearchHit> search(SearchRequest request);

    /** @return the metadata keys of every item ever written to this store (filters may name these) */
    Set<String> metadataKeys();

    /** Releases resources (connections, files). The default does nothing. */
    @Override
    default void close() {
    }
}
