package dev.mmrag.api;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A nearest-neighbour search in a {@link VectorStore}.
 *
 * <p>Defaults (see {@link #builder(float[], int)}): no filter, no minimum score, vectors not included,
 * {@value #DEFAULT_MOMENTS_PER_ITEM} moments per segmented item.
 *
 * <p>Thread-safety: immutable.
 *
 * @param vector the query vector; copied; its dimension is checked by the store
 * @param topK how many hits to return at most, 1 to {@value #MAX_TOP_K}
 * @param filter only items whose metadata matches it, or null for all items
 * @param minScore only hits scoring at least this, or null for no limit
 * @param includeVectors whether each hit carries its stored vector
 * @param momentsPerItem how many of a segmented item's best segments its hit carries as moments, 1 to
 *     {@value #MAX_MOMENTS_PER_ITEM}; topK counts items, not moments
 */
public record SearchRequest(float[] vector, int topK, Filter filter, Double minScore, boolean includeVectors,
        int momentsPerItem) {

    /** How many moments a segmented item's hit carries unless asked otherwise. */
    public static final int DEFAULT_MOMENTS_PER_ITEM = 3;

    /** The most moments per item a search may ask for. */
    public static final int MAX_MOMENTS_PER_ITEM = 1_000;

    /** The largest {@code topK} a search may ask for. */
    public static final int MAX_TOP_K = 10_000;

    /** Validates and copies the fields. */
    public SearchRequest {
        if (vector == null) {
            throw new InvalidInputException("search vector must not be null");
        }
        vector = vector.clone();
        checkTopK(topK);
        if (minScore != null && !Double.isFinite(minScore)) {
            throw new InvalidInputException("minScore is " + minScore + "; expected a finite number or none");
        }
        if (momentsPerItem < 1 || momentsPerItem > MAX_MOMENTS_PER_ITEM) {
            throw new InvalidInputException("momentsPerItem is " + momentsPerItem + "; expected 1 to "
                    + MAX_MOMENTS_PER_ITEM);
        }
    }

    /**
     * A request with {@value #DEFAULT_MOMENTS_PER_ITEM} moments per item.
     *
     * @param vector the query vector
     * @param topK how many hits at most
     * @param filter the filter, or null
     * @param minScore the minimum score, or null
     * @param includeVectors whether hits carry their vectors
     */
    public SearchRequest(float[] vector, int topK, Filter filter, Double minScore, boolean includeVectors) {
        this(vector, topK, filter, minScore, includeVectors, DEFAULT_MOMENTS_PER_ITEM);
    }

    /**
     * @param vector the query vector
     * @param topK how many hits at most
     * @return a plain search without filter or minimum score
     */
    public static SearchRequest of(float[] vector, int topK) {
        return new SearchRequest(vector, topK, null, null, false, DEFAULT_MOMENTS_PER_ITEM);
    }

    /**
     * @param vector the query vector
     * @param topK how many hits at most
     * @return a builder for the optional parts
     */
    public static Builder builder(float[] vector, int topK) {
        return new Builder(vector, topK);
    }

    /**
     * Checks a topK value.
     *
     * @param topK the value
     * @return the value
     * @throws InvalidInputException when it is outside 1 to {@value #MAX_TOP_K}
     */
    public static int checkTopK(int topK) {
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new InvalidInputException("topK is " + topK + "; expected 1 to " + MAX_TOP_K);
        }
        return topK;
    }

    /** @return a copy of the query vector */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    /** @return the filter, if any */
    public Optional<Filter> filterIfPresent() {
        return Optional.ofNullable(filter);
    }

    /**
     * @param score a hit's score
     * @return whether it passes {@link #minScore()}
     */
    public boolean accepts(double score) {
        return minScore == null || score >= minScore;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SearchRequest)) {
            return false;
        }
        SearchRequest other = (SearchRequest) o;
        return Arrays.equals(vector, other.vector) && topK == other.topK && Objects.equals(filter, other.filter)
                && Objects.equals(minScore, other.minScore) && includeVectors == other.includeVectors
                && momentsPerItem == other.momentsPerItem;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(vector), topK, filter, minScore, includeVectors, momentsPerItem);
    }

    @Override
    public String toString() {
        return "SearchRequest[dimension=" + vector.length + ", topK=" + topK + ", filter=" + filter + ", minScore="
                + minScore + ", includeVectors=" + includeVectors + ", momentsPerItem=" + momentsPerItem + "]";
    }

    /** Builds a {@link SearchRequest}. Not thread-safe. */
    public static final class Builder {
        private final float[] vector;
        private final int topK;
        private Filter filter;
        private Double minScore;
        private boolean includeVectors;
        private int momentsPerItem = DEFAULT_MOMENTS_PER_ITEM;

        private Builder(float[] vector, int topK) {
            this.vector = vector;
            this.topK = topK;
        }

        /**
         * @param filter only items matching it (default: none)
         * @return this builder
         */
        public Builder filter(Filter filter) {
            this.filter = filter;
            return this;
        }

        /**
         * @param minScore only hits scoring at least this (default: none)
         * @return this builder
         */
        public Builder minScore(Double minScore) {
            this.minScore = minScore;
            return this;
        }

        /**
         * @param includeVectors whether hits carry their vectors (default: false)
         * @return this builder
         */
        public Builder includeVectors(boolean includeVectors) {
            this.includeVectors = includeVectors;
            return this;
        }

        /**
         * @param momentsPerItem how many moments a segmented item's hit carries (default
         *     {@value SearchRequest#DEFAULT_MOMENTS_PER_ITEM})
         * @return this builder
         */
        public Builder momentsPerItem(int momentsPerItem) {
            this.momentsPerItem = momentsPerItem;
            return this;
        }

        /** @return the request */
        public SearchRequest build() {
            return new SearchRequest(vector, topK, filter, minScore, includeVectors, momentsPerItem);
        }
    }
}
