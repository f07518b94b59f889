package dev.mmrag.api;

import java.util.Map;
import java.util.Optional;

/**
 * An item found for a query, with its score and metadata.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the item id
 * @param score how well it matches: the store's similarity for a single-modality query, the fused score for a
 *     text-and-image query; higher is better
 * @param metadata the item's metadata
 */
public record Retrieved(String id, double score, Map<String, Object> metadata) {

    /** Validates and copies the fields. */
    public Retrieved {
        Ids.check(id);
        if (!Double.isFinite(score)) {
            throw new InvalidInputException("retrieved item '" + id + "' has non-finite score " + score);
        }
        metadata = Metadata.copyOf(metadata);
    }

    /**
     * @param hit a store hit
     * @return the same item as a retrieval result
     */
    public static Retrieved of(SearchHit hit) {
        return new Retrieved(hit.id(), hit.score(), hit.metadata());
    }

    /**
     * @param key a metadata key
     * @return the value's text, if the key is present
     */
    public Optional<String> text(String key) {
        Object value = metadata.get(key);
        return value == null ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    /**
     * @return the item's image, when it was indexed from a file or URL (see {@link Item#IMAGE_REF_KEY}); empty
     *     when there is none or the stored reference is not a usable path or URL
     */
    public Optional<ImageContent> image() {
        Object ref = metadata.get(Item.IMAGE_REF_KEY);
        if (!(ref instanceof String)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ImageContent.fromReference((String) ref));
        } catch (InvalidInputException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * @param newScore another score
     * @return a copy with that score
     */
    public Retrieved withScore(double newScore) {
        return new Retrieved(id, newScore, metadata);
    }
}
