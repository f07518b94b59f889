package dev.mmrag.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something to index: an id, one or more contents (text, images) and metadata.
 *
 * <p>When an item has several contents, {@code MultimodalRag} indexes the normalised mean of their
 * embeddings as the item's vector. The item's first image, when it lives in a file (stored as an absolute path)
 * or at a URL, is remembered in the stored metadata under {@link #IMAGE_REF_KEY}, so that an augmenter can later
 * attach the image to a prompt. That key is reserved: an item's own metadata may not use it, so that no
 * catalogue field can point the pipeline at a file or URL other than the item's own image.
 *
 * <p>An item whose content is a {@link VideoContent} holds that one content only; it is cut into time-coded
 * segments by a {@link Segmenter} and stored as one record with many segment vectors (see
 * {@link VectorRecord#segments()}); its reference is stored under {@link #VIDEO_REF_KEY}. An item whose content is
 * an {@link AudioContent} is held alone the same way: its speech is transcribed into time-coded text segments, its
 * reference stored under {@link #AUDIO_REF_KEY} and the words of its spoken segments under
 * {@link #SPOKEN_KEY_PREFIX} keys.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the id, see {@link Ids#check(String)}
 * @param contents at least one content; copied
 * @param metadata the metadata, see {@link Metadata}; copied and normalised; null means empty
 */
public record Item(String id, List<Content> contents, Map<String, Object> metadata) {

    /** The reserved metadata key under which the reference (path or URL) of an item's first image is stored. */
    public static final String IMAGE_REF_KEY = "mmrag_image";

    /**
     * The reserved metadata key under which the reference (absolute path or URL) of an item's video is stored,
     * so that its moments can be cited by file.
     */
    public static final String VIDEO_REF_KEY = "mmrag_video";

    /**
     * The reserved metadata key under which the reference (absolute path or URL) of an item's audio recording is
     * stored, so that its spoken moments can be cited by file.
     */
    public static final String AUDIO_REF_KEY = "mmrag_audio";

    /**
     * The reserved prefix of the metadata keys that keep the words of an item's spoken segments (the lists
     * {@code mmrag_spoken_start_ms}, {@code mmrag_spoken_end_ms} and {@code mmrag_spoken_text}, one entry per spoken
     * segment), so that an answer can quote what was said.
     */
    public static final String SPOKEN_KEY_PREFIX = "mmrag_spoken_";

    /**
     * @param key a metadata key
     * @return whether mmrag reserves it for what it stores about an item's own contents (image, video, audio
     *     references and spoken words), so that no catalogue field may use it and prompts do not show it as a field
     */
    public static boolean isReservedKey(String key) {
        return key.equals(IMAGE_REF_KEY) || key.equals(VIDEO_REF_KEY) || key.equals(AUDIO_REF_KEY)
                || key.startsWith(SPOKEN_KEY_PREFIX);
    }

    /** Validates and copies the fields. */
    public Item {
        Ids.check(id);
        if (contents == null || contents.isEmpty()) {
            throw new InvalidInputException("item '" + id + "' has no content; give it at least one text or image");
        }
        for (Content content : contents) {
            if (content == null) {
                throw new InvalidInputException("item '" + id + "' has a null content");
            }
        }
        contents = List.copyOf(contents);
        metadata = Metadata.copyOf(metadata);
        if (metadata.containsKey(IMAGE_REF_KEY)) {
            throw new InvalidInputException("item '" + id + "' has metadata key '" + IMAGE_REF_KEY
                    + "', which is reserved: mmrag sets it from the item's own image content");
        }
        if (metadata.containsKey(VIDEO_REF_KEY)) {
            throw new InvalidInputException("item '" + id + "' has metadata key '" + VIDEO_REF_KEY
                    + "', which is reserved: mmrag sets it from the item's own video content");
        }
        for (String key : metadata.keySet()) {
            if (key.equals(AUDIO_REF_KEY) || key.startsWith(SPOKEN_KEY_PREFIX)) {
                throw new InvalidInputException("item '" + id + "' has metadata key '" + key
                        + "', which is reserved: mmrag sets it from the item's own audio or sound track");
            }
        }
        boolean hasAudio = contents.stream().anyMatch(c -> c instanceof AudioContent);
        if (hasAudio && contents.size() != 1) {
            throw new InvalidInputException("item '" + id + "' has an audio recording and " + (contents.size() - 1)
                    + " other contents; an audio item holds its recording alone (put titles and tags in its metadata)");
        }
        boolean hasVideo = contents.stream().anyMatch(c -> c instanceof VideoContent);
        if (hasVideo && contents.size() != 1) {
            throw new InvalidInputException("item '" + id + "' has a video and " + (contents.size() - 1)
                    + " other contents; a video item holds its video alone (put titles and tags in its metadata)");
        }
    }

    /**
     * @param id the id
     * @param contents at least one content
     * @return an item without metadata
     */
    public static Item of(String id, Content... contents) {
        return new Item(id, contents == null ? null : List.of(contents), Map.of());
    }

    /**
     * @param id the id
     * @return a builder for an item with that id
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * Builds an {@link Item} step by step. Defaults: no contents (at least one must be added), no metadata.
     * Not thread-safe.
     */
    public static final class Builder {
        private final String id;
        private final List<Content> contents = new ArrayList<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder(String id) {
            this.id = id;
        }

        /**
         * @param text text to add
         * @return this builder
         */
        public Builder text(String text) {
            contents.add(new TextContent(text));
            return this;
        }

        /**
         * @param path an image file to add
         * @return this builder
         */
        public Builder image(Path path) {
            contents.add(ImageContent.of(path));
            return this;
        }

        /**
         * @param content a content to add
         * @return this builder
         */
        public Builder content(Content content) {
            contents.add(content);
            return this;
        }

        /**
         * @param key a metadata key
         * @param value its value (see {@link Metadata} for the allowed types)
         * @return this builder
         */
        public Builder metadata(String key, Object value) {
            metadata.put(key, value);
            return this;
        }

        /**
         * @param entries metadata entries to add
         * @return this builder
         */
        public Builder metadata(Map<String, ?> entries) {
            metadata.putAll(entries);
            return this;
        }

        /** @return the item */
        public Item build() {
            return new Item(id, contents, metadata);
        }
    }
}
