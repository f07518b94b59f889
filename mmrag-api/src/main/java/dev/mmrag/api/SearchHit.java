package dev.mmrag.api;

import java.util.List;
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
 * @param moments for a segmented item, its best matching segments, best first, at most
 *     {@link SearchRequest#momentsPerItem()}; the first one's score is the hit's score; empty for an item
 *     without segments; copied; null means none
 */
public record SearchHit(String id, double score, Map<String, Object> metadata, float[] vector, List<Moment> moments) {

    /** Validates and copies the fields. */
    public SearchHit {
        Ids.check(id);
        if (Double.isNaN(score)) {
            throw new StoreException("search hit '" + id + "' has a NaN score");
        }
        metadata = Metadata.copyOf(metadata);
        vector = vector == null ? null : vector.clone();
        moments = moments == null ? List.of() : List.copyOf(moments);
    }

    /**
     * A hit without moments.
     *
     * @param id the item id
     * @param score the score
     * @param metadata the metadata
     * @param vector the stored vector, or null
     */
    public SearchHit(String id, double score, Map<String, Object> metadata, float[] vector) {
        this(id, score, metadata, vector, List.of());
    }

    /**
     * @param newScore another score
     * @return a copy with that score and the same vector and moments
     */
    public SearchHit withScore(double newScore) {
        return new SearchHit(id, newScore, metadata, vector, moments);
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
                && java.util.Arrays.equals(vector, other.vector) && moments.equals(other.moments);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, score, metadata, java.util.Arrays.hashCode(vector), moments);
    }

    @Override
    public String toString() {
        return "SearchHit[id=" + id + ", score=" + score + ", metadata=" + metadata
                + (moments.isEmpty() ? "" : ", moments=" + moments) + "]";
    }
}
