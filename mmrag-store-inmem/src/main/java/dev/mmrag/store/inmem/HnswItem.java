package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.Item;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.SegmentVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one graph node holds: the id, the vector and the metadata of a record, together, so that whoever reads a
 * node sees a whole record (a record is never written in parts). A query is an item without id and metadata.
 *
 * <p>The item is also its own vector type for hnswlib ({@link #vector()} returns {@code this}): a distance then
 * reaches the components in two hops from the graph node (node, item, array) instead of three, which matters
 * because a search is bound by memory latency. The inverse of the vector's length is computed once, so a cosine
 * distance costs one inner product instead of three sums. For the same reason equality is by vector components
 * only: hnswlib compares vectors with it to update an item in place when its vector did not change.
 *
 * <p>It is {@code Serializable} only because hnswlib's {@link Item} is; the store writes items with
 * {@link ItemCodec}, never with Java serialization.
 *
 * <p>Thread-safety: immutable; the array is never handed out to callers of the store or changed.
 */
final class HnswItem implements Item<String, HnswItem> {

    private static final long serialVersionUID = 1L;

    private final String id;
    private final float[] values;
    private final float inverseNorm;
    private final Map<String, Object> metadata;
    /** The item this node belongs to: its own id, or for a segment node its item's id. */
    private final String owner;
    /** For a segment node, the segment (span, keyframe); null otherwise. */
    private final SegmentVector segment;
    /** For a segment node, its index in its item's segments; -1 otherwise. */
    private final int segmentIndex;
    /** For a segmented item's entry (which is not a graph node), its segment nodes; empty otherwise. */
    private final List<HnswItem> segmentNodes;

    /**
     * @param id the checked id, or null for a query
     * @param values the finite components; the caller gives up the array
     * @param metadata the normalised, immutable metadata
     * @throws InvalidInputException when the vector's Euclidean norm is above {@link ItemDistances#MAX_NORM},
     *     naming the item (or the query) and the norm
     */
    HnswItem(String id, float[] values, Map<String, Object> metadata) {
        this(id, values, metadata, id, null, -1, List.of());
    }

    private HnswItem(String id, float[] values, Map<String, Object> metadata, String owner, SegmentVector segment,
            int segmentIndex, List<HnswItem> segmentNodes) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        if (sum > ItemDistances.MAX_NORM * ItemDistances.MAX_NORM) {
            String what = id == null ? "query vector" : "vector of item '" + id + "'";
            throw new InvalidInputException(String.format(Locale.ROOT, "%s has a Euclidean norm of %.6g, above the "
                    + "limit of %.6g: its distances, computed in float, could overflow", what, Math.sqrt(sum),
                    ItemDistances.MAX_NORM));
        }
        this.id = id;
        this.values = values;
        this.inverseNorm = sum == 0 ? 0f : (float) (1.0 / Math.sqrt(sum));
        this.metadata = metadata;
        this.owner = owner;
        this.segment = segment;
        this.segmentIndex = segmentIndex;
        this.segmentNodes = segmentNodes;
    }

    /**
     * The entry of a segmented item: not a graph node itself; its segments are, each a node whose id is the item's
     * id, a NUL character and the segment's index (no item id holds a control character, so no user id collides).
     *
     * @param id the checked item id
     * @param values the item's own vector (what {@code get} returns); the caller gives up the array
     * @param metadata the normalised, immutable metadata
     * @param segments the item's segments, at least one
     * @return the entry, with its segment nodes
     * @throws InvalidInputException when a vector's norm is above {@link ItemDistances#MAX_NORM}
     */
    static HnswItem segmented(String id, float[] values, Map<String, Object> metadata, List<SegmentVector> segments) {
        List<HnswItem> nodes = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            SegmentVector segment = segments.get(i);
            nodes.add(new HnswItem(id + '\u0000' + i, segment.vector(), metadata, id, segment, i, List.of()));
        }
        return new HnswItem(id, values, metadata, id, null, -1, List.copyOf(nodes));
    }

    /** @return the id of the item this node belongs to (its own id unless it is a segment node) */
    String owner() {
        return owner;
    }

    /** @return whether this is a segmented item's entry (not a graph node) */
    boolean isSegmented() {
        return !segmentNodes.isEmpty();
    }

    /** @return a segmented item's segment nodes, in time order; empty otherwise */
    List<HnswItem> segmentNodes() {
        return segmentNodes;
    }

    /** @return for a segment node, its segment; null otherwise */
    SegmentVector segment() {
        return segment;
    }

    /** @return for a segment node, its index among its item's segments; -1 otherwise */
    int segmentIndex() {
        return segmentIndex;
    }

    /**
     * @param values the query vector; the caller gives up the array
     * @return a query: an item without id and metadata
     * @throws InvalidInputException when the vector's Euclidean norm is above {@link ItemDistances#MAX_NORM}
     */
    static HnswItem query(float[] values) {
        return new HnswItem(null, values, Map.of());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public HnswItem vector() {
        return this;
    }

    @Override
    public int dimensions() {
        return values.length;
    }

    /** @return the metadata, immutable */
    Map<String, Object> metadata() {
        return metadata;
    }

    /** @return the components, not copied: callers must not change them */
    float[] values() {
        return values;
    }

    /** @return 1 / the Euclidean length of the vector, or 0 for a zero vector */
    float inverseNorm() {
        return inverseNorm;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HnswItem && Arrays.equals(values, ((HnswItem) o).values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
