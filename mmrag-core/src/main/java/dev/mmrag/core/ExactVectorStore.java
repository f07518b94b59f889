package dev.mmrag.core;

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
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.Vectors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A vector store that compares the query with every stored vector: exact results, linear time. It is the
 * recall baseline for the approximate stores, and a sound choice for up to some tens of thousands of items.
 *
 * <p>Scores are exactly (to the last bit) those of {@link Metric#score(float[], float[])} with the query as the
 * first argument, so a {@code minScore} equal to a reference score keeps the item.
 *
 * <p>A segmented record (a video) is one entry holding all its segment vectors: an upsert replaces them all, a
 * delete removes them all, and a search scores the entry by its best segment and gives it its best moments.
 *
 * <p>Thread-safety: safe for concurrent use. Searches run in parallel with each other; writes take an
 * exclusive lock, so a search sees each batch either entirely or not at all.
 */
public final class ExactVectorStore implements VectorStore {

    private final int dimension;
    private final Metric metric;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Set<String> metadataKeys = new HashSet<>();

    /**
     * @param dimension the dimension of every vector, at least 1
     * @param metric how vectors are compared
     */
    public ExactVectorStore(int dimension, Metric metric) {
        if (dimension < 1) {
            throw new InvalidInputException("dimension is " + dimension + "; expected at least 1");
        }
        if (metric == null) {
            throw new InvalidInputException("metric must not be null");
        }
        this.dimension = dimension;
        this.metric = metric;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    @Override
    public BatchResult upsert(List<VectorRecord> records) {
        List<ItemFailure> failures = new ArrayList<>();
        List<Entry> valid = new ArrayList<>(records == null ? 0 : records.size());
        for (int position : Vectors.checkRecords(records, dimension, metric, failures)) {
            VectorRecord record = records.get(position);
            float[] vector = record.vector();
            valid.add(new Entry(record.id(), vector, record.metadata(), squaredNorm(vector), record.segments()));
        }
        lock.writeLock().lock();
        try {
            for (Entry entry : valid) {
                entries.remove(entry.id);
                entries.put(entry.id, entry);
                metadataKeys.addAll(entry.metadata.keySet());
            }
        } finally {
            lock.writeLock().unlock();
        }
        return new BatchResult(records.size(), failures);
    }

    @Override
    public int delete(Collection<String> ids) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        ids.forEach(Ids::check);
        lock.writeLock().lock();
        try {
            int deleted = 0;
            for (String id : ids) {
                if (entries.remove(id) != null) {
                    deleted++;
                }
            }
            return deleted;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        Ids.check(id);
        lock.readLock().lock();
        try {
            Entry entry = entries.get(id);
            return entry == null ? Optional.empty()
                    : Optional.of(new VectorRecord(id, entry.vector, entry.metadata, entry.segments));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long count() {
        lock.readLock().lock();
        try {
            return entries.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Set<String> metadataKeys() {
        lock.readLock().lock();
        try {
            return Set.copyOf(metadataKeys);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<SearchHit> search(SearchRequest request) {
        if (request == null) {
            throw new InvalidInputException("search request must not be null");
        }
        float[] query = request.vector();
        Vectors.check("query vector", query, dimension, metric);
        double querySquaredNorm = squaredNorm(query);
        Filter filter = request.filter();
        Comparator<Scored> worstFirst = Comparator.comparingDouble(Scored::score);
        PriorityQueue<Scored> best = new PriorityQueue<>(request.topK() + 1, worstFirst);
        lock.readLock().lock();
        try {
            if (filter != null) {
                filter.requireKnownKeys(metadataKeys);
            }
            for (Entry entry : entries.values()) {
                if (filter != null && !filter.matches(entry.metadata)) {
                    continue;
                }
                double score = entry.segments.isEmpty() ? score(query, querySquaredNorm, entry)
                        : bestSegmentScore(query, querySquaredNorm, entry);
                if (!request.accepts(score)) {
                    continue;
                }
                if (best.size() < request.topK()) {
                    best.add(new Scored(entry, score));
                } else if (score > best.peek().score) {
                    best.poll();
                    best.add(new Scored(entry, score));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        List<Scored> sorted = new ArrayList<>(best);
        sorted.sort(worstFirst.reversed());
        List<SearchHit> hits = new ArrayList<>(sorted.size());
        for (Scored s : sorted) {
            hits.add(new SearchHit(s.entry.id, s.score, s.entry.metadata,
                    request.includeVectors() ? s.entry.vector : null,
                    s.entry.segments.isEmpty() ? List.of() : moments(query, querySquaredNorm, s.entry, request)));
        }
        return hits;
    }

    /**
     * The score {@link Metric#score} gives, bit for bit: the same sums in the same order, with the stored
     * vector's sum of squares computed once at upsert instead of on every search.
     */
    private double score(float[] query, double querySquaredNorm, float[] v, double vSquaredNorm) {
        switch (metric) {
            case COSINE:
            case DOT_PRODUCT: {
                double dot = 0;
                for (int i = 0; i < v.length; i++) {
                    dot += (double) query[i] * v[i];
                }
                return metric == Metric.COSINE ? dot / Math.sqrt(querySquaredNorm * vSquaredNorm) : dot;
            }
            case EUCLIDEAN:
            default:
                return metric.score(query, v);
        }
    }

    private double bestSegmentScore(float[] query, double querySquaredNorm, Entry entry) {
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < entry.segmentVectors.length; i++) {
            best = Math.max(best, score(query, querySquaredNorm, entry.segmentVectors[i], entry.segmentNorms[i]));
        }
        return best;
    }

    /** The entry's best segments that pass the request's minimum score, best first, at most momentsPerItem. */
    private List<Moment> moments(float[] query, double querySquaredNorm, Entry entry, SearchRequest request) {
        List<Moment> all = new ArrayList<>(entry.segmentVectors.length);
        for (int i = 0; i < entry.segmentVectors.length; i++) {
            double score = score(query, querySquaredNorm, entry.segmentVectors[i], entry.segmentNorms[i]);
            if (request.accepts(score)) {
                all.add(entry.segments.get(i).toMoment(score));
            }
        }
        all.sort(Comparator.comparingDouble(Moment::score).reversed());
        return all.subList(0, Math.min(all.size(), request.momentsPerItem()));
    }

    private double score(float[] query, double querySquaredNorm, Entry entry) {
        return score(query, querySquaredNorm, entry.vector, entry.squaredNorm);
    }

    /** The sum of squares, accumulated as {@link Metric#COSINE} accumulates it. */
    private static double squaredNorm(float[] vector) {
        double sum = 0;
        for (int i = 0; i < vector.length; i++) {
            sum += (double) vector[i] * vector[i];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "ExactVectorStore[dimension=" + dimension + ", metric=" + metric + ", count=" + count() + "]";
    }

    private static final class Entry {
        final String id;
        final float[] vector;
        final Map<String, Object> metadata;
        final double squaredNorm;
        final List<SegmentVector> segments;
        final float[][] segmentVectors;
        final double[] segmentNorms;

        Entry(String id, float[] vector, Map<String, Object> metadata, double squaredNorm,
                List<SegmentVector> segments) {
            this.id = id;
            this.vector = vector;
            this.metadata = metadata;
            this.squaredNorm = squaredNorm;
            this.segments = segments;
            this.segmentVectors = new float[segments.size()][];
            this.segmentNorms = new double[segments.size()];
            for (int i = 0; i < segmentVectors.length; i++) {
                segmentVectors[i] = segments.get(i).vector();
                segmentNorms[i] = squaredNorm(segmentVectors[i]);
            }
        }
    }

    private record Scored(Entry entry, double score) {
    }
}
