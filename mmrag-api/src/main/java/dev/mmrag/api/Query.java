package dev.mmrag.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a user asks: text, an image, or both, with how many results to retrieve and optional constraints.
 *
 * <p>Defaults (see {@link #builder()}): {@value #DEFAULT_TOP_K} results, no filter, no minimum score.
 *
 * <p>Thread-safety: immutable.
 *
 * @param text the question or search text, or null; not blank when present
 * @param image the query image, or null
 * @param topK how many items to retrieve, 1 to {@value SearchRequest#MAX_TOP_K}
 * @param filter only items whose metadata matches, or null
 * @param minScore only items whose similarity is at least this, or null; applied to each modality's search
 *     before fusion
 */
public record Query(String text, ImageContent image, int topK, Filter filter, Double minScore) {

    /** The default number of items to retrieve. */
    public static final int DEFAULT_TOP_K = 5;

    /** Validates the fields. */
    public Query {
        if (text == null && image == null) {
            throw new InvalidInputException("a query needs text, an image, or both");
        }
        if (text != null && text.isBlank()) {
            throw new InvalidInputException("query text must not be blank (got \"" + text + "\"); use null for none");
        }
        SearchRequest.checkTopK(topK);
        if (minScore != null && !Double.isFinite(minScore)) {
            throw new InvalidInputException("minScore is " + minScore + "; expected a finite number or none");
        }
    }

    /**
     * @param text the question
     * @return a text query with the defaults
     */
    public static Query ofText(String text) {
        return builder().text(text).build();
    }

    /**
     * @param image the query image
     * @return an image query with the defaults
     */
    public static Query ofImage(ImageContent image) {
        return builder().image(image).build();
    }

    /**
     * @param image a query image file
     * @return an image query with the defaults
     */
    public static Query ofImage(Path image) {
        return builder().image(ImageContent.of(image)).build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the text, if any */
    public Optional<String> textIfPresent() {
        return Optional.ofNullable(text);
    }

    /** @return the image, if any */
    public Optional<ImageContent> imageIfPresent() {
        return Optional.ofNullable(image);
    }

    /**
     * @param newTopK another topK
     * @return a copy of this query with that topK
     */
    public Query withTopK(int newTopK) {
        return new Query(text, image, newTopK, filter, minScore);
    }

    /** Builds a {@link Query}. Not thread-safe. */
    public static final class Builder {
        private String text;
        private ImageContent image;
        private int topK = DEFAULT_TOP_K;
        private Filter filter;
        private Double minScore;

        private Builder() {
        }

        /**
         * @param text the question or search text
         * @return this builder
         */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /**
         * @param image the query image
         * @return this builder
         */
        public Builder image(ImageContent image) {
            this.image = image;
            return this;
        }

        /**
         * @param image a query image file
         * @return this builder
         */
        public Builder image(Path image) {
            this.image = ImageContent.of(image);
            return this;
        }

        /**
         * @param topK how many items to retrieve (default {@value Query#DEFAULT_TOP_K})
         * @return this builder
         */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
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
         * @param minScore only items at least this similar (default: none)
         * @return this builder
         */
        public Builder minScore(Double minScore) {
            this.minScore = minScore;
            return this;
        }

        /** @return the query */
        public Query build() {
            return new Query(text, image, topK, filter, minScore);
        }
    }
}
