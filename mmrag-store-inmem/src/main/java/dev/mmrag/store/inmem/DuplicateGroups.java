package dev.mmrag.store.inmem;

import dev.mmrag.api.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stored items that have no graph node of their own because their vector equals, or nearly equals, that of an
 * item that has one (see {@link #nearDuplicates}): the members of that node's group.
 *
 * <p>Why: HNSW graphs break on many equal vectors. All copies are at distance 0 from each other, so each new copy's
 * neighbour selection keeps another copy and prunes every other item (none is closer to it than to the kept copy);
 * the copies form a cluster that links only to itself, a walk that enters it finds nothing better and stops, and the
 * distinct items become unreachable (2,000 copies of one vector among 320 items of dimension 64: a recall of 0 for
 * those items). So a near-duplicate joins the group of the node it duplicates instead of entering the graph: the
 * graph holds one node per distinct vector and stays navigable, and a search that finds the node also returns its
 * members (all at the node's distance, within the near-duplicate tolerance).
 *
 * <p>Thread-safety: changed only under the store's write lock; {@link #ofNode} and a group's members are read by
 * searches at any time. A group changes its node without a moment in which searches cannot reach it (see
 * {@link #promote}), so a search misses a member only for the instant in which that member itself is written.
 */
final class DuplicateGroups {

    /**
     * The largest cosine distance ({@code 1 - cos}) at which two vectors are near-duplicates under the cosine
     * metric: an angle of about 0.08 degrees, far below what separates different items, far above float rounding.
     */
    static final double MAX_COSINE_DISTANCE = 1e-6;
    /**
     * Under the dot product and Euclidean metrics, two vectors are near-duplicates when their distance is at most this
     * share of the longer one's length.
     */
    static final double MAX_RELATIVE_DISTANCE = 1e-6;

    /** A graph node and the items that share its vector. */
    static final class Group {
        /** The members by id; read by searches. */
        final ConcurrentHashMap<String, HnswItem> members = new ConcurrentHashMap<>();
        /** The item whose graph node stands for the group; guarded by the store's write lock. */
        private HnswItem node;

        private Group(HnswItem node) {
            this.node = node;
        }

        /** @return the item whose graph node stands for the group */
        HnswItem node() {
            return node;
        }
    }

    /** By the id of the node's item; read by searches. */
    private final ConcurrentHashMap<String, Group> byNode = new ConcurrentHashMap<>();
    /** By member id; write lock only. */
    private final Map<String, Group> byMember = new HashMap<>();

    /**
     * @param id an item id
     * @return the group whose graph node holds the item with this id, or null when that node has no members
     */
    Group ofNode(String id) {
        return byNode.get(id);
    }

    /**
     * @param id an item id
     * @return the group the item with this id is a member of, or null when it is not a member (it has a node, or is
     *     not stored)
     */
    Group ofMember(String id) {
        return byMember.get(id);
    }

    /** @return how many items are members (stored without a node of their own) */
    long members() {
        return byMember.size();
    }

    /** Makes the item a member of the group of the node's item (created when the node had none). */
    void add(HnswItem node, HnswItem member) {
        Group group = byNode.computeIfAbsent(node.id(), id -> new Group(node));
        group.members.put(member.id(), member);
        byMember.put(member.id(), group);
    }

    /** Replaces a member's item (same id, a near-duplicate vector of the group's node). */
    void replaceMember(Group group, HnswItem member) {
        group.members.put(member.id(), member);
    }

    /** Takes the member with this id out of its group; the group goes when it has no member left. */
    void removeMember(String id) {
        Group group = byMember.remove(id);
        if (group != null) {
            group.members.remove(id);
            if (group.members.isEmpty()) {
                byNode.remove(group.node.id(), group);
            }
        }
    }

    /**
     * The node's item changed in place (same id, same vector): its group, if any, now stands behind the new item.
     */
    void nodeUpdated(HnswItem item) {
        Group group = byNode.get(item.id());
        if (group != null) {
            group.node = item;
        }
    }

    /**
     * @param id the id of a node's item
     * @return a member of the node's group that can take the node's place, or null when the node has no group
     */
    HnswItem successor(String id) {
        Group group = byNode.get(id);
        return group == null ? null : group.members.values().iterator().next();
    }

    /**
     * The successor (see {@link #successor}), which the caller has just given a graph node of its own, now stands
     * for the rest of the group of the node of {@code id}, which the caller removes from the graph next. Done in this
     * order, a search always finds the group through one of the two nodes (it may find the successor twice, as a
     * node and as a member, for an instant).
     *
     * @param id the id of the node's item that leaves the graph
     * @param successor the member that got a node
     */
    void promote(String id, HnswItem successor) {
        Group group = byNode.get(id);
        group.members.remove(successor.id());
        byMember.remove(successor.id());
        group.node = successor;
        if (!group.members.isEmpty()) {
            byNode.put(successor.id(), group);
        }
        byNode.remove(id, group);
    }

    /**
     * @return every member with the id of its group's node's item, for saving: pairs of (node id, member)
     */
    List<Map.Entry<String, HnswItem>> all() {
        List<Map.Entry<String, HnswItem>> all = new ArrayList<>(byMember.size());
        for (Group group : byNode.values()) {
            for (HnswItem member : group.members.values()) {
                all.add(Map.entry(group.node.id(), member));
            }
        }
        return all;
    }

    /**
     * Whether two vectors are (near-)duplicates for the metric: bit-identical; or, under cosine, at a cosine distance
     * of at most {@value #MAX_COSINE_DISTANCE} (so also a scaled copy, which cosine cannot tell apart); or, under the
     * dot product and Euclidean metrics, at a distance of at most {@value #MAX_RELATIVE_DISTANCE} times the longer
     * one's length. Computed in double precision.
     */
    static boolean nearDuplicates(Metric metric, HnswItem a, HnswItem b) {
        float[] x = a.values();
        float[] y = b.values();
        if (Arrays.equals(x, y)) {
            return true;
        }
        if (metric == Metric.COSINE) {
            double dot = 0;
            double xx = 0;
            double yy = 0;
            for (int i = 0; i < x.length; i++) {
                dot += (double) x[i] * y[i];
                xx += (double) x[i] * x[i];
                yy += (double) y[i] * y[i];
            }
            return xx > 0 && yy > 0 && 1 - dot / Math.sqrt(xx * yy) <= MAX_COSINE_DISTANCE;
        }
        double diff = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            diff += d * d;
            xx += (double) x[i] * x[i];
            yy += (double) y[i] * y[i];
        }
        return diff <= MAX_RELATIVE_DISTANCE * MAX_RELATIVE_DISTANCE * Math.max(xx, yy);
    }
}
