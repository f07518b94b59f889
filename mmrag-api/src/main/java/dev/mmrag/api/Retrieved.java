package dev.mmrag.api;

import java.util.List;
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
 * @param moments for a segmented item (a video), its best matching moments, best first; empty otherwise; copied;
 *     null means none
 */
public record Retrieved(String id, double score, Map<String, Object> metadata, List<Moment> moments) {

    /** Validates and copies the fields. */
    public Retrieved {
        Ids.check(id);
        if (!Double.isFinite(score)) {
            throw new InvalidInputException("retrieved item '" + id + "' has non-finite score " + score);
        }
        metadata = Metadata.copyOf(metadata);
        moments = moments == null ? List.of() : List.copyOf(moments);
    }

    /**
     * A result without moments.
     *
     * @param id the item id
     * @param score the score
     * @param metadata the metadata
     */
    public Retrieved(String id, double score, Map<String, Object> metadata) {
        this(id, score, metadata, List.of());
    }

    /**
     * @param hit a store hit
     * @return the same item as a retrieval result, with the hit's moments
     */
    public static Retrieved of(SearchHit hit) {
        return new Retrieved(hit.id(), hit.score(), hit.metadata(), hit.moments());
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
     * @return the reference (path or URL) of the item's audio recording, when it is an audio item (see
     *     {@link Item#AUDIO_REF_KEY})
     */
    public Optional<String> audio() {
        Object ref = metadata.get(Item.AUDIO_REF_KEY);
        return ref instanceof String ? Optional.of((String) ref) : Optional.empty();
    }

    /**
     * @return the file name of the item's video, or else of its audio recording ({@code episode.mp3}), when it
     *     has one
     */
    public Optional<String> mediaName() {
        Optional<String> ref = video().or(this::audio);
        return ref.map(r -> {
            String trimmed = r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
            int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
            return slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
        });
    }

    /**
     * @return the reference (path or URL) of the item's video, when it is a video item (see
     *     {@link Item#VIDEO_REF_KEY})
     */
    public Optional<String> video() {
        Object ref = metadata.get(Item.VIDEO_REF_KEY);
        return ref instanceof String ? Optional.of((String) ref) : Optional.empty();
    }

    /**
     * @return the file name of the item's video ({@code lookbook.mp4}), or of its URL's path, when it is a
     *     video item
     */
    public Optional<String> videoName() {
        return video().map(ref -> {
            String trimmed = ref.endsWith("/") ? ref.substring(0, ref.length() - 1) : ref;
            int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
            return slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
        });
    }

    /**
     * @param newScore another score
     * @return a copy with that score
     */
    public Retrieved withScore(double newScore) {
        return new Retrieved(id, newScore, metadata, moments);
    }
}
