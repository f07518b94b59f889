package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.Item;
import java.util.Map;

/**
 * What one graph node holds: the id, the vector and the metadata of a record, together, so that whoever reads
 * a node sees a whole record (a record is never written in parts).
 *
 * <p>It is {@code Serializable} only because hnswlib's {@link Item} is; the store writes items with
 * {@link ItemCodec}, never with Java serialization.
 *
 * <p>Thread-safety: immutable.
 */
final class HnswItem implements Item<String, Embedding> {

    private static final long serialVersionUID = 1L;

    private final String id;
    private final Embedding embedding;
    private final Map<String, Object> metadata;

    /**
     * @param id the checked id
     * @param embedding the vector
     * @param metadata the normalised, immutable metadata
     */
    HnswItem(String id, Embedding embedding, Map<String, Object> metadata) {
        this.id = id;
        this.embedding = embedding;
        this.metadata = metadata;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Embedding vector() {
        return embedding;
    }

    @Override
    public int dimensions() {
        return embedding.values.length;
    }

    /** @return the metadata, immutable */
    Map<String, Object> metadata() {
        return metadata;
    }

    /** @return the components, not copied: callers must not change them */
    float[] values() {
        return embedding.values;
    }
}
