package dev.mmrag.api;

import java.util.Map;
import java.util.Optional;

/**
 * One result of {@link VectorStore#search(SearchRequest)}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the item id
 * @param score the similarity score under the store's {@link Metric}, higher is more similar
 * @param metadata the item's metadata
 * @param vector the stored vector when {@link SearchRequest#includeVectors()} was set, otherwise null
 */
public record SearchHit(String id, double score, Map<String, Object> metadata, float[] vector) {

    /** Validates and copies the fields. */
    public SearchHit {
        Ids.check(id);
        if (Double.isNaN(score)) {
            throw new StoreException("search hit '" + id + "' has a NaN score");
        }
        metadata = Metadata.copyOf(metadata);
        vector = vector == null ? null : vector.clone();
    }

    /**
     * @param id the item id
     * @param score the score
     * @param metadata the metadata
     * @return a hit without a vector
     */
    public static SearchHit of(String id, double score, Map<String, Object> metadata) {
        return new SearchHit(id, score, metadata, null);
    }

    /** @return a copy of the stored vector, or null when it was not requested */
    @Override
    public float[] vector() {
        return vector == null ? null : vector.clone();
    }

    /** @return the stored vector, if it was requested */
    public Optional<float[]> vectorIfPresent() {
        return Optional.ofNullable(vector());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SearchHit)) {
            return false;
        }
        SearchHit other = (SearchHit) o;
        return id.equals(other.id) && Double.compare(score, other.score) == 0 && metadata.equals(other.metadata)
                && java.util.Arrays.equals(vector, other.vector);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, score, metadata, java.util.Arrays.hashCode(vector));
    }

    @Override
    public String toString() {
        return "SearchHit[id=" + id + ", score=" + score + ", metadata=" + metadata + "]";
    }
}
