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
 *     before fusion (not to keyword search, whose scores are on another scale)
 * @param hybrid whether a retriever with a {@link KeywordIndex} also searches it with the text and fuses the
 *     rankings: true, false, or null (the default) for the retriever's default (on for queries with text)
 */
public record Query(String text, ImageContent image, int topK, Filter filter, Double minScore, Boolean hybrid) {

    /** The default number of items to retrieve. */
    public static final int DEFAULT_TOP_K = 5;

    /**
     * A query with the retriever's default hybrid setting.
     *
     * @param text the text, or null
     * @param image the image, or null
     * @param topK how many items
     * @param filter a filter, or null
     * @param minScore a minimum similarity, or null
     */
    public Query(String text, ImageContent image, int topK, Filter filter, Double minScore) {
        this(text, image, topK, filter, minScore, null);
    }

    /** Validates the fields. */
    public Query {
        if (text == null && image == null) {
            throw new InvalidInputException("a query needs text, an image, or both");
        }
        if (text != null && text.isBlank()) {
            throw new InvalidInputException("query text must not be blank (got \"" + text + "\"); use null for none");
        }
        if (Boolean.TRUE.equals(hybrid) && text == null) {
            throw new InvalidInputException("a hybrid query needs text to search by keywords; this one has only an image");
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
        return new Query(text, image, newTopK, filter, minScore, hybrid);
    }

    /**
     * @param newHybrid true or false to turn keyword search on or off, null for the retriever's default
     * @return a copy of this query with that setting
     */
    public Query withHybrid(Boolean newHybrid) {
        return new Query(text, image, topK, filter, minScore, newHybrid);
    }

    /** Builds a {@link Query}. Not thread-safe. */
    public static final class Builder {
        private String text;
        private ImageContent image;
        private int topK = DEFAULT_TOP_K;
        private Filter filter;
        private Double minScore;
        private Boolean hybrid;

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

        /**
         * @param hybrid true or false to turn keyword search on or off for this query (default null: the
         *     retriever's default, which is on for queries with text when it has a keyword index)
         * @return this builder
         */
        public Builder hybrid(Boolean hybrid) {
            this.hybrid = hybrid;
            return this;
        }

        /** @return the query */
        public Query build() {
            return new Query(text, image, topK, filter, minScore, hybrid);
        }
    }
}
