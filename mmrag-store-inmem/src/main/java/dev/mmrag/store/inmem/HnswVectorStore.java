package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.Ids;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Moment;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.SegmentVector;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.Vectors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * An in-memory {@link VectorStore} that finds nearest neighbours approximately, in a hierarchical navigable
 * small world (HNSW) graph built by hnswlib-java, and can be saved to and loaded from a file.
 *
 * <pre>{@code
 * HnswVectorStore store = HnswVectorStore.builder(512, Metric.COSINE).build();
 * store.upsert(List.of(new VectorRecord("sku-1", vector, Map.of("color", "red"))));
 * List<SearchHit> hits = store.search(SearchRequest.builder(query, 10).filter(Filter.eq("color", "red")).build());
 * store.save(Path.of("catalog.hnsw"));
 * HnswVectorStore again = HnswVectorStore.load(Path.of("catalog.hnsw"));
 * }</pre>
 *
 * <p><b>Parameters</b> (see {@link Builder}): the dimension and the metric are fixed when the store is built;
 * {@code m} (default {@value #DEFAULT_M}) and {@code efConstruction} (default {@value #DEFAULT_EF_CONSTRUCTION})
 * shape the graph; {@code ef} (default {@value #DEFAULT_EF}) is the search width and can be changed at any time
 * with {@link #setEf(int)}; the initial capacity (default {@value #DEFAULT_INITIAL_CAPACITY} graph nodes) doubles
 * whenever it runs out.
 *
 * <p><b>No random seed.</b> The graph cannot be built reproducibly, and the store has no seed option: hnswlib
 * 1.2.1 draws each new node's layer from {@code ThreadLocalRandom} inside {@code HnswIndex}, whose constructor is
 * private, so the draw can be neither seeded nor replaced. Two stores built from the same records in the same
 * order therefore have slightly different graphs, and a search that walks the graph can return slightly different
 * approximate neighbours in each; a search that scans exactly does not depend on the graph.
 *
 * <p><b>Scores</b> are those of {@link Metric#score(float[], float[])}, computed in double precision for each hit
 * returned. The graph itself ranks with a float distance of the same order (see {@link ItemDistances}),
 * using the Java Vector API when the JVM has {@code jdk.incubator.vector} and plain loops otherwise; the
 * results are the same either way, only the speed differs.
 *
 * <p><b>Vector size.</b> The graph's distances are computed in float, which overflows above about 3.4e38; a
 * distance that overflowed would rank arbitrarily. So a vector whose Euclidean norm is above
 * {@value #MAX_VECTOR_NORM} is refused with an {@link InvalidInputException} naming the item (or the query) and the
 * norm: by {@link #upsert(List)} as a failure of that record, by {@link #search(SearchRequest)} for the query, and by
 * {@link #load(Path)} as a damaged file. Within the limit no distance overflows (see {@link ItemDistances}). The
 * check is one pass over a vector when it is stored or searched with, nothing per distance.
 *
 * <p><b>Search</b> walks the graph with a width of {@code max(ef, topK)} and keeps the items that match the
 * request's filter. When fewer than {@code max(ef, topK)} of the items found match, it estimates the share of
 * matching items from what it found and searches again, wider, so that about {@code max(ef, topK)} matching items
 * are found (a filtered query thus has the same recall as an unfiltered one). When the width that needs
 * reaches the {@linkplain Builder#exactScanFraction(double) exact-scan fraction} of the stored items (default
 * {@value #DEFAULT_EXACT_SCAN_FRACTION}, 1/16), or nothing found matches, or a walk found fewer items than its
 * width (a graph whose reachable part is smaller), it instead compares the query with every stored item that
 * matches the filter: exact, and for a selective filter cheaper than a graph walk that would visit most of the
 * graph anyway (a search of width {@code w} computes some 10 to 20 times {@code w} distances). For the same reason
 * a store of at most {@code max(ef, topK) / exactScanFraction} items, {@code 16 * max(ef, topK)} by default, is
 * always scanned.
 *
 * <p><b>Updates and deletes.</b> An upsert of an existing id replaces the record; a delete frees the id for reuse.
 * An upsert that leaves the vector unchanged (new metadata, or a re-sync of the same record) updates the item's
 * graph node in place. Otherwise hnswlib keeps a deleted or replaced item's graph node as a tombstone that
 * searches pass through but never return, so the memory of tombstones is not reclaimed until the store is
 * rebuilt; {@link #graphNodes()} tells how many nodes the graph holds.
 *
 * <p><b>Persistence</b>: {@link #save(Path)} writes crash-safely and {@link #load(Path)} reads only files that
 * pass a checksum and an allow-list of classes; see {@link StoreFile} for the format.
 *
 * <p><b>Thread-safety</b>: safe for concurrent use. Searches and gets run in parallel with each other, with writes
 * and with saves; they pause only for the short moment in which the graph grows its capacity. Writes (upserts and deletes) are applied one
 * batch at a time, in the order they take the write lock; each item becomes visible to searches whole, never in
 * part (a graph node holds an immutable item: id, vector and metadata together). While an id is being replaced, a
 * search may for an instant find neither its old nor its new record, never both. A save waits for the running
 * write and holds back the next ones until the file is written.
 * Writes are serialized because hnswlib 1.2.1 pools one visited-set per processor and can deadlock when more
 * threads than processors insert at once.
 */
public final class HnswVectorStore implements VectorStore {

    /** Default number of graph neighbours per node and layer (twice that on the bottom layer). */
    public static final int DEFAULT_M = 16;
    /** Default width of the search that places a new node. */
    public static final int DEFAULT_EF_CONSTRUCTION = 200;
    /** Default search width. */
    public static final int DEFAULT_EF = 64;
    /** Default initial capacity, in graph nodes. */
    public static final int DEFAULT_INITIAL_CAPACITY = 1024;
    /** Default share of the stored items above which a search scans exactly instead of widening the graph walk. */
    public static final double DEFAULT_EXACT_SCAN_FRACTION = 0.0625;
    /** The largest dimension a store can have. */
    public static final int MAX_DIMENSION = ItemCodec.MAX_DIMENSION;
    /** The largest Euclidean norm of a stored or query vector: above it, float distances could overflow. */
    public static final double MAX_VECTOR_NORM = ItemDistances.MAX_NORM;
    /** The most metadata entries a stored item can have (what a saved file can hold). */
    public static final int MAX_METADATA_ENTRIES = ItemCodec.MAX_METADATA_ENTRIES;
    /** The most elements a metadata list of a stored item can have (what a saved file can hold). */
    public static final int MAX_LIST_ELEMENTS = ItemCodec.MAX_LIST_ELEMENTS;
    /** The longest metadata string a stored item can have, in UTF-8 bytes (what a saved file can hold). */
    public static final int MAX_STRING_BYTES = ItemCodec.MAX_STRING_BYTES;

    /** The largest m a store can have. */
    static final int MAX_M = 512;
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private final int dimension;
    private final Metric metric;
    private final int m;
    private final int efConstruction;
    private final double exactScanFraction;
    private final DistanceFunction<HnswItem, Float> distance;
    private final HnswIndex<String, HnswItem, HnswItem, Float> index;
    private final ConcurrentHashMap<String, HnswItem> items = new ConcurrentHashMap<>();
    private final Set<String> metadataKeys = ConcurrentHashMap.newKeySet();
    /** Live graph nodes: one per plain item, one per segment of a segmented item; changed under the write lock. */
    private volatile long liveNodes;
    /** Held by upserts, deletes and saves: one at a time. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Read-held by every graph search, write-held while the graph grows its capacity. */
    private final ReentrantReadWriteLock layoutLock = new ReentrantReadWriteLock();
    private volatile int ef;
    /** Graph walks (a widened search makes several) and exact scans made by searches, for tests to tell them apart. */
    private final LongAdder graphWalks = new LongAdder();
    private final LongAdder exactScans = new LongAdder();
    /**
     * The graph nodes created so far, tombstones included (an upper bound: an add that fails is counted too);
     * guarded by writeLock.
     */
    private long slotsUsed;

    private HnswVectorStore(Builder builder, HnswIndex<String, HnswItem, HnswItem, Float> index, long slotsUsed) {
        this.dimension = builder.dimension;
        this.metric = builder.metric;
        this.m = builder.m;
        this.efConstruction = builder.efConstruction;
        this.ef = builder.ef;
        this.exactScanFraction = builder.exactScanFraction;
        this.distance = index.getDistanceFunction();
        this.index = index;
        this.slotsUsed = slotsUsed;
    }

    /**
     * @param dimension the dimension of every vector, 1 to {@value #MAX_DIMENSION}
     * @param metric how vectors are compared
     * @return a builder with the defaults listed in {@link Builder}
     */
    public static Builder builder(int dimension, Metric metric) {
        return new Builder(dimension, metric);
    }

    /**
     * A builder with the parameters of a file's header, checked as the builder checks any.
     *
     * @param header the header
     * @return the builder (its initial capacity is the header's capacity)
     * @throws InvalidInputException naming the first parameter out of range
     */
    static Builder builder(StoreFile.Header header) {
        return new Builder(header.dimension(), header.metric()).m(header.m()).efConstruction(header.efConstruction())
                .ef(header.ef()).initialCapacity(header.capacity());
    }

    /**
     * Loads a store saved with {@link #save(Path)}. The file is verified before it is parsed (see {@link StoreFile}).
     *
     * @param path the file
     * @return the store, with the parameters it was saved with (the exact-scan fraction is not saved; the loaded
     *     store has the default)
     * @throws StoreException naming the file and the problem when the file is missing, of another format or version,
     *     truncated, damaged, names a class outside the allow-list, or holds parameters out of range or a graph
     *     whose parts do not agree; loading throws no other exception for any file content
     */
    public static HnswVectorStore load(Path path) {
        if (path == null) {
            throw new InvalidInputException("path must not be null");
        }
        try {
            return read(path);
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            // hnswlib does not check that the parts of a graph it reads agree (an id map naming a node that is not
            // there fails with an IndexOutOfBoundsException when the items are listed): the file is at fault.
            throw new StoreException("store file " + path + " is inconsistent: its graph could not be loaded: " + e,
                    e);
        }
    }

    /** The store a file holds, after checking that the graph agrees with the header and with itself. */
    private static HnswVectorStore read(Path path) {
        StoreFile.Contents contents = StoreFile.read(path);
        StoreFile.Header header = contents.header();
        HnswIndex<String, HnswItem, HnswItem, Float> index = contents.index();
        // StoreFile.read checked the graph's dimension, m and capacity against the header as it read them.
        Class<?> expectedDistance = ItemDistances.of(header.metric()).getClass();
        if (!index.isRemoveEnabled() || index.getDistanceFunction().getClass() != expectedDistance) {
            throw new StoreException("store file " + path + " is inconsistent: its graph (removes "
                    + (index.isRemoveEnabled() ? "enabled" : "disabled") + ", distance "
                    + index.getDistanceFunction().getClass().getSimpleName() + ") does not match its header "
                    + header);
        }
        HnswVectorStore store = new HnswVectorStore(builder(header), index, header.slotsUsed());
        for (HnswItem item : index.items()) {
            if (item.id().indexOf('\u0000') >= 0) {
                throw new StoreException("store file " + path + " is inconsistent: it holds the live segment node '"
                        + item.id().replace('\u0000', '#') + "', and saved stores hold no segmented items");
            }
            if (item.dimensions() != header.dimension()) {
                throw new StoreException("store file " + path + " is inconsistent: item '" + item.id()
                        + "' has dimension " + item.dimensions() + ", expected " + header.dimension());
            }
            if (index.get(item.id()).orElse(null) != item) {
                throw new StoreException("store file " + path + " is inconsistent: its graph's id map does not "
                        + "lead to the node of item '" + item.id() + "'");
            }
            store.items.put(item.id(), item);
            store.metadataKeys.addAll(item.metadata().keySet());
        }
        store.liveNodes = store.items.size();
        if (store.items.size() != header.count()) {
            throw new StoreException("store file " + path + " is inconsistent: it holds " + store.items.size()
                    + " items, its header says " + header.count());
        }
        return store;
    }

    /**
     * Saves the store crash-safely: to a temporary file in the same folder, forced to disk, then atomically renamed
     * over {@code path}. A crash at any moment leaves either the old file or the new one. Searches continue while
     * the file is written; writes wait. The new file keeps the POSIX permissions of the file it replaces; a file
     * that did not exist gets the default permissions of any new file (the umask applies).
     *
     * @param path the file to create or replace; its folder must exist
     * @throws StoreException when the file cannot be written; an existing file at {@code path} is then unchanged
     */
    public void save(Path path) {
        if (path == null) {
            throw new InvalidInputException("path must not be null");
        }
        writeLock.lock();
        try {
            for (HnswItem item : items.values()) {
                if (item.isSegmented()) {
                    throw new StoreException("could not save the store to " + path + ": it holds segmented items "
                            + "(videos, such as '" + item.id() + "'), which the file format does not hold yet; "
                            + "nothing was written");
                }
            }
            StoreFile.Header header = new StoreFile.Header(dimension, metric, m, efConstruction, ef,
                    index.getMaxItemCount(), slotsUsed, items.size());
            StoreFile.write(path, header, index);
        } catch (IOException e) {
            throw new StoreException("could not save the store to " + path + ": " + e, e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    /** @return the number of graph neighbours per node and layer */
    public int m() {
        return m;
    }

    /** @return the width of the search that places a new node */
    public int efConstruction() {
        return efConstruction;
    }

    /** @return the current search width */
    public int ef() {
        return ef;
    }

    /**
     * Changes the search width for the searches that start after this call: wider finds more of the true nearest
     * neighbours, slower.
     *
     * @param ef the new width, 1 to {@value SearchRequest#MAX_TOP_K}
     */
    public void setEf(int ef) {
        this.ef = checkEf(ef);
    }

    /**
     * @return how many nodes the graph holds: the stored items and the tombstones of deleted or replaced ones (an
     *     upsert that leaves an item's vector unchanged updates its node in place and adds none)
     */
    public long graphNodes() {
        writeLock.lock();
        try {
            return slotsUsed;
        } finally {
            writeLock.unlock();
        }
    }

    /** @return how many graph walks searches have made since the store was built or loaded */
    long graphWalks() {
        return graphWalks.sum();
    }

    /** @return how many searches have been answered by an exact scan since the store was built or loaded */
    long exactScans() {
        return exactScans.sum();
    }

    /** @return the name of the distance kernel in use, "scalar" or "simd-&lt;bits&gt;" */
    public static String kernelName() {
        return VectorKernel.INSTANCE.name();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Besides the checks of {@link Vectors#checkRecords}, a record is refused, as a failure of its own, when its
     * vector's Euclidean norm is above {@value #MAX_VECTOR_NORM} (see the class comment), or its metadata is more
     * than a saved file can hold: more than {@value #MAX_METADATA_ENTRIES} entries, a list of more than
     * {@value #MAX_LIST_ELEMENTS} elements, or a string of more than {@value #MAX_STRING_BYTES} UTF-8 bytes; the
     * failure names the item and the norm, or the key and the limit.
     */
    @Override
    public BatchResult upsert(List<VectorRecord> records) {
        List<ItemFailure> failures = new ArrayList<>();
        List<Integer> checked = Vectors.checkRecords(records, dimension, metric, failures);
        List<HnswItem> valid = new ArrayList<>(checked.size());
        List<Integer> positions = new ArrayList<>(checked.size());
        for (int position : checked) {
            VectorRecord record = records.get(position);
            try {
                ItemCodec.checkMetadataLimits(record.id(), record.metadata());
                valid.add(record.segmented()
                        ? HnswItem.segmented(record.id(), record.vector(), record.metadata(), record.segments())
                        : new HnswItem(record.id(), record.vector(), record.metadata()));
                positions.add(position);
            } catch (InvalidInputException e) {
                failures.add(ItemFailure.of(record.id(), position, e));
            }
        }
        writeLock.lock();
        try {
            int nodes = 0;
            for (HnswItem item : valid) {
                nodes += item.isSegmented() ? item.segmentNodes().size() : 1;
            }
            ensureCapacity(nodes);
            for (int j = 0; j < valid.size(); j++) {
                HnswItem item = valid.get(j);
                try {
                    metadataKeys.addAll(item.metadata().keySet());
                    HnswItem old = items.get(item.id());
                    if (old != null && (old.isSegmented() || item.isSegmented())) {
                        // An item's nodes are replaced as a whole: no segment of an earlier cut survives.
                        removeNodes(old);
                    }
                    for (HnswItem node : item.isSegmented() ? item.segmentNodes() : List.of(item)) {
                        if (takesNewNode(node)) {
                            slotsUsed++;
                        }
                        index.add(node);
                    }
                    liveNodes += (item.isSegmented() ? item.segmentNodes().size() : 1)
                            - (old == null ? 0 : old.isSegmented() ? old.segmentNodes().size() : 1);
                    items.put(item.id(), item);
                } catch (RuntimeException e) {
                    failures.add(ItemFailure.of(item.id(), positions.get(j), new StoreException(
                            "could not add item '" + item.id() + "' to the HNSW graph: " + e, e)));
                }
            }
        } finally {
            writeLock.unlock();
        }
        failures.sort(Comparator.comparingInt(ItemFailure::index));
        return new BatchResult(records.size(), failures);
    }

    /** Removes an item's graph nodes (its own, or its segments'); called with the write lock held. */
    private void removeNodes(HnswItem item) {
        for (HnswItem node : item.isSegmented() ? item.segmentNodes() : List.of(item)) {
            index.remove(node.id(), 0);
        }
    }

    /**
     * Whether adding the item creates a graph node: hnswlib updates an existing id's node in place when the vectors
     * are equal ({@link HnswItem#equals(Object)}) and otherwise leaves it as a tombstone and creates a new one.
     * Called with the write lock held, so the graph cannot change in between.
     */
    private boolean takesNewNode(HnswItem item) {
        return index.get(item.id()).map(inGraph -> !inGraph.equals(item)).orElse(true);
    }

    /** Grows the graph's capacity so that {@code more} new nodes fit; called with the write lock held. */
    private void ensureCapacity(int more) {
        long needed = slotsUsed + more;
        int capacity = index.getMaxItemCount();
        if (needed <= capacity) {
            return;
        }
        if (needed > MAX_CAPACITY) {
            throw new StoreException("the HNSW graph would need " + needed + " nodes, more than its limit of "
                    + MAX_CAPACITY + "; " + (slotsUsed - items.size()) + " of its nodes are tombstones of deleted or "
                    + "replaced items, which only a rebuilt store reclaims");
        }
        int grown = (int) Math.min(MAX_CAPACITY, Math.max(needed, 2L * capacity));
        layoutLock.writeLock().lock();
        try {
            index.resize(grown);
        } finally {
            layoutLock.writeLock().unlock();
        }
    }

    @Override
    public int delete(Collection<String> ids) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        ids.forEach(Ids::check);
        writeLock.lock();
        try {
            int deleted = 0;
            for (String id : ids) {
                HnswItem old = items.remove(id);
                if (old != null) {
                    removeNodes(old);
                    liveNodes -= old.isSegmented() ? old.segmentNodes().size() : 1;
                    deleted++;
                }
            }
            return deleted;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        Ids.check(id);
        HnswItem item = items.get(id);
        if (item == null) {
            return Optional.empty();
        }
        List<SegmentVector> segments = new ArrayList<>(item.segmentNodes().size());
        for (HnswItem node : item.segmentNodes()) {
            segments.add(node.segment());
        }
        return Optional.of(new VectorRecord(id, item.values(), item.metadata(), segments));
    }

    @Override
    public long count() {
        return items.size();
    }

    @Override
    public Set<String> metadataKeys() {
        return Set.copyOf(metadataKeys);
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException also when the query vector's Euclidean norm is above {@value #MAX_VECTOR_NORM}
     *     (see the class comment)
     */
    @Override
    public List<SearchHit> search(SearchRequest request) {
        if (request == null) {
            throw new InvalidInputException("search request must not be null");
        }
        float[] query = request.vector();
        Vectors.check("query vector", query, dimension, metric);
        Filter filter = request.filter();
        if (filter != null) {
            filter.requireKnownKeys(metadataKeys);
        }
        Predicate<HnswItem> wanted = filter == null ? item -> true : item -> filter.matches(item.metadata());
        List<HnswItem> nearest = nearest(HnswItem.query(query), request.topK(), wanted);
        List<SearchHit> hits = new ArrayList<>(nearest.size());
        for (HnswItem item : nearest) {
            if (item.isSegmented()) {
                // The item's moments are scored exactly, over all its segments, once the graph has found it.
                List<Moment> moments = new ArrayList<>();
                double best = Double.NEGATIVE_INFINITY;
                for (HnswItem node : item.segmentNodes()) {
                    double score = metric.score(query, node.values());
                    best = Math.max(best, score);
                    if (request.accepts(score)) {
                        moments.add(node.segment().toMoment(score));
                    }
                }
                if (request.accepts(best)) {
                    moments.sort(Comparator.comparingDouble(Moment::score).reversed());
                    hits.add(new SearchHit(item.id(), best, item.metadata(),
                            request.includeVectors() ? item.values() : null,
                            moments.subList(0, Math.min(moments.size(), request.momentsPerItem()))));
                }
                continue;
            }
            double score = metric.score(query, item.values());
            if (request.accepts(score)) {
                hits.add(new SearchHit(item.id(), score, item.metadata(),
                        request.includeVectors() ? item.values() : null));
            }
        }
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return hits;
    }

    /**
     * The topK stored items nearest to the query among those {@code wanted} accepts, closest first: from the graph,
     * widening the walk until {@code max(ef, topK)} wanted items are found, or from an exact scan (see the class
     * comment for when).
     */
    private List<HnswItem> nearest(HnswItem query, int topK, Predicate<HnswItem> wanted) {
        int target = Math.max(ef, topK);
        int live = (int) Math.min(Integer.MAX_VALUE, Math.max(items.size(), liveNodes));
        int width = target;
        while (true) {
            if (width >= exactScanFraction * live) {
                // Also when the width reaches the whole store (the fraction is at most 1): a scan is exact and cheaper.
                return exactScan(query, topK, wanted);
            }
            List<SearchResult<HnswItem, Float>> found = walkGraph(query, width);
            // Distinct items, closest first: a segmented item is found through its closest segment node.
            java.util.LinkedHashSet<HnswItem> owners = new java.util.LinkedHashSet<>();
            for (SearchResult<HnswItem, Float> result : found) {
                HnswItem entry = liveEntry(result.item());
                if (entry != null && wanted.test(entry)) {
                    owners.add(entry);
                }
            }
            List<HnswItem> matches = new ArrayList<>(owners);
            if (matches.size() >= target) {
                return matches.subList(0, topK);
            }
            if (matches.isEmpty() || found.size() < width) {
                // Nothing to estimate the filter's share from, or the walk already reached all it could.
                return exactScan(query, topK, wanted);
            }
            double share = (double) matches.size() / found.size();
            long wider = Math.max(2L * width, (long) Math.ceil(target / share));
            width = (int) Math.min(wider, live);
        }
    }

    /**
     * The stored entry a graph node stands for, or null when the node is stale: an item replaced or deleted while
     * the walk ran is no longer the one stored under its id.
     */
    private HnswItem liveEntry(HnswItem node) {
        HnswItem entry = items.get(node.owner());
        if (entry == null) {
            return null;
        }
        if (node.segmentIndex() < 0) {
            return entry == node ? entry : null;
        }
        List<HnswItem> nodes = entry.segmentNodes();
        return node.segmentIndex() < nodes.size() && nodes.get(node.segmentIndex()) == node ? entry : null;
    }

    private List<SearchResult<HnswItem, Float>> walkGraph(HnswItem query, int width) {
        graphWalks.increment();
        layoutLock.readLock().lock();
        try {
            return index.findNearest(query, width);
        } finally {
            layoutLock.readLock().unlock();
        }
    }

    private List<HnswItem> exactScan(HnswItem query, int topK, Predicate<HnswItem> wanted) {
        exactScans.increment();
        Comparator<Candidate> farthestFirst = Comparator.comparingDouble(Candidate::distance).reversed();
        PriorityQueue<Candidate> best = new PriorityQueue<>(topK + 1, farthestFirst);
        for (HnswItem item : items.values()) {
            if (!wanted.test(item)) {
                continue;
            }
            float d;
            if (item.isSegmented()) {
                d = Float.POSITIVE_INFINITY;
                for (HnswItem node : item.segmentNodes()) {
                    d = Math.min(d, distance.distance(query, node));
                }
            } else {
                d = distance.distance(query, item);
            }
            if (best.size() < topK) {
                best.add(new Candidate(item, d));
            } else if (d < best.peek().distance()) {
                best.poll();
                best.add(new Candidate(item, d));
            }
        }
        List<HnswItem> nearest = new ArrayList<>(best.size());
        while (!best.isEmpty()) {
            nearest.add(best.poll().item());
        }
        Collections.reverse(nearest);
        return nearest;
    }

    private record Candidate(HnswItem item, float distance) {
    }

    @Override
    public String toString() {
        return "HnswVectorStore[dimension=" + dimension + ", metric=" + metric + ", m=" + m + ", efConstruction="
                + efConstruction + ", ef=" + ef + ", count=" + count() + ", kernel=" + kernelName() + "]";
    }

    private static int checkEf(int ef) {
        if (ef < 1 || ef > SearchRequest.MAX_TOP_K) {
            throw new InvalidInputException("ef is " + ef + "; expected 1 to " + SearchRequest.MAX_TOP_K);
        }
        return ef;
    }

    /**
     * Builds an {@link HnswVectorStore}. Defaults: m {@value HnswVectorStore#DEFAULT_M}, efConstruction
     * {@value HnswVectorStore#DEFAULT_EF_CONSTRUCTION}, ef {@value HnswVectorStore#DEFAULT_EF}, initial capacity
     * {@value HnswVectorStore#DEFAULT_INITIAL_CAPACITY}, exact-scan fraction
     * {@value HnswVectorStore#DEFAULT_EXACT_SCAN_FRACTION}.
     *
     * <p>There is no random seed to set: hnswlib 1.2.1 cannot be seeded (see the {@link HnswVectorStore} class
     * comment), so graphs built from the same data differ slightly from run to run.
     *
     * <p>Thread-safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final int dimension;
        private final Metric metric;
        private int m = DEFAULT_M;
        private int efConstruction = DEFAULT_EF_CONSTRUCTION;
        private int ef = DEFAULT_EF;
        private int initialCapacity = DEFAULT_INITIAL_CAPACITY;
        private double exactScanFraction = DEFAULT_EXACT_SCAN_FRACTION;

        private Builder(int dimension, Metric metric) {
            if (dimension < 1 || dimension > MAX_DIMENSION) {
                throw new InvalidInputException("dimension is " + dimension + "; expected 1 to " + MAX_DIMENSION);
            }
            if (metric == null) {
                throw new InvalidInputException("metric must not be null");
            }
            this.dimension = dimension;
            this.metric = metric;
        }

        /**
         * @param m graph neighbours per node and layer, 2 to 512 (default {@value HnswVectorStore#DEFAULT_M});
         *     more gives better recall for high-dimensional data, and costs memory and build time
         * @return this builder
         */
        public Builder m(int m) {
            if (m < 2 || m > MAX_M) {
                throw new InvalidInputException("m is " + m + "; expected 2 to " + MAX_M);
            }
            this.m = m;
            return this;
        }

        /**
         * @param efConstruction width of the search that places a new node, at least 1 (default
         *     {@value HnswVectorStore#DEFAULT_EF_CONSTRUCTION}; hnswlib uses at least {@code m}); more gives a
         *     better graph, built more slowly
         * @return this builder
         */
        public Builder efConstruction(int efConstruction) {
            if (efConstruction < 1) {
                throw new InvalidInputException("efConstruction is " + efConstruction + "; expected at least 1");
            }
            this.efConstruction = efConstruction;
            return this;
        }

        /**
         * @param ef the search width, 1 to {@value SearchRequest#MAX_TOP_K} (default
         *     {@value HnswVectorStore#DEFAULT_EF}); changeable later with {@link HnswVectorStore#setEf(int)}
         * @return this builder
         */
        public Builder ef(int ef) {
            this.ef = checkEf(ef);
            return this;
        }

        /**
         * @param initialCapacity graph nodes to make room for at first, at least 1 (default
         *     {@value HnswVectorStore#DEFAULT_INITIAL_CAPACITY}); the capacity doubles when it runs out, so this only
         *     saves the copying when the final size is known
         * @return this builder
         */
        public Builder initialCapacity(int initialCapacity) {
            if (initialCapacity < 1 || initialCapacity > MAX_CAPACITY) {
                throw new InvalidInputException("initialCapacity is " + initialCapacity + "; expected 1 to "
                        + MAX_CAPACITY);
            }
            this.initialCapacity = initialCapacity;
            return this;
        }

        /**
         * @param exactScanFraction a search scans the matching items exactly, instead of walking the graph, when
         *     the walk would need a width of this share of the stored items or more; 0 to 1 (default
         *     {@value HnswVectorStore#DEFAULT_EXACT_SCAN_FRACTION}, so a store of at most {@code 16 * max(ef, topK)}
         *     items is always scanned); 0 makes every search scan; 1 makes a search walk the graph unless the store
         *     holds at most {@code max(ef, topK)} items, the first walk finds nothing that matches the filter, or
         *     widening the walk for the filter would take it over the whole store
         * @return this builder
         */
        public Builder exactScanFraction(double exactScanFraction) {
            if (!(exactScanFraction >= 0 && exactScanFraction <= 1)) {
                throw new InvalidInputException("exactScanFraction is " + exactScanFraction + "; expected 0 to 1");
            }
            this.exactScanFraction = exactScanFraction;
            return this;
        }

        /** @return a new, empty store */
        public HnswVectorStore build() {
            HnswIndex<String, HnswItem, HnswItem, Float> index = HnswIndex
                    .newBuilder(dimension, ItemDistances.of(metric), new ItemDistances.Ascending(),
                            initialCapacity)
                    .withM(m).withEfConstruction(efConstruction).withEf(1).withRemoveEnabled()
                    .<String, HnswItem>withCustomSerializers(new ItemCodec.IdSerializer(), new ItemCodec.ItemSerializer())
                    .build();
            return new HnswVectorStore(this, index, 0);
        }
    }
}
