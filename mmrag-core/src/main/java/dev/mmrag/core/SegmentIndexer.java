package dev.mmrag.core;

import dev.mmrag.api.AudioContent;
import dev.mmrag.api.Content;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.SegmentVector;
import dev.mmrag.api.TimeSpan;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VideoContent;
import dev.mmrag.api.Vectors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the segmented items of a batch (videos) into records with many segment vectors: segment with the
 * {@link Segmenter}, embed each segment's still or text with the {@link Encoder} in batches, merge a segment
 * whose vector is within the duplicate cosine of the previous kept one into it (its span grows, its keyframe
 * stays), drop one within that cosine of an earlier kept one (a shot seen again: the earlier moment stands for
 * it), and give the item the normalised mean of its kept segments as its vector. Spoken passages, text segments
 * without keyframe, are never merged or dropped, and their words are kept in the stored metadata (see
 * {@link SpokenMoments}).
 *
 * <p>Thread-safety: immutable; safe for concurrent use when the encoder and segmenter are.
 */
final class SegmentIndexer {

    private final Encoder encoder;
    private final Segmenter segmenter;
    private final double duplicateCosine;
    private final int batchSize;

    SegmentIndexer(Encoder encoder, Segmenter segmenter, double duplicateCosine, int batchSize) {
        this.encoder = encoder;
        this.segmenter = segmenter;
        this.duplicateCosine = duplicateCosine;
        this.batchSize = batchSize;
    }

    /** @return whether the item is indexed through segments (it holds a video or an audio recording) */
    static boolean isSegmented(Item item) {
        return item.contents().size() == 1 && (item.contents().get(0).modality() == Modality.VIDEO
                || item.contents().get(0).modality() == Modality.AUDIO);
    }

    /**
     * Removes the segmented items from {@code items} and makes their records.
     *
     * @return the records by the items' positions; an item that fails is in {@code failures} instead
     */
    Map<Integer, VectorRecord> take(Map<Integer, Item> items, List<ItemFailure> failures, List<String> warnings) {
        Map<Integer, VectorRecord> records = new LinkedHashMap<>();
        for (Iterator<Map.Entry<Integer, Item>> it = items.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Item> entry = it.next();
            if (!isSegmented(entry.getValue())) {
                continue;
            }
            it.remove();
            List<String> itemWarnings = new ArrayList<>();
            try {
                records.put(entry.getKey(), record(entry.getValue(), itemWarnings));
                warnings.addAll(itemWarnings);
            } catch (MmragException e) {
                failures.add(ItemFailure.of(entry.getValue().id(), entry.getKey(), e));
            }
        }
        return records;
    }

    VectorRecord record(Item item, List<String> warnings) {
        Content content = item.contents().get(0);
        if (segmenter == null) {
            throw new InvalidInputException("item '" + item.id() + "' holds " + content.describe()
                    + " but the pipeline has no segmenter for " + content.modality()
                    + ": add one with MultimodalRag.builder().segmenter(...) (mmrag-ffmpeg has FfmpegVideoSegmenter)");
        }
        Segmentation segmentation = segmenter.segment(content);
        for (String warning : segmentation.warnings()) {
            warnings.add("item '" + item.id() + "': " + warning);
        }
        List<Segment> segments = segmentation.segments();
        if (segments.isEmpty() && content instanceof AudioContent) {
            throw new InvalidInputException("item '" + item.id() + "': no speech was heard in " + content.describe()
                    + "; an audio item is indexed by what is said, so there is nothing to index (what was stored"
                    + " for it before is kept)");
        }
        if (segments.isEmpty()) {
            throw new InvalidInputException("item '" + item.id() + "': " + content.describe()
                    + " gave no segments" + (segmentation.warnings().isEmpty() ? "" : " " + segmentation.warnings()));
        }
        List<SegmentVector> kept = new ArrayList<>();
        List<Long> spokenStarts = new ArrayList<>();
        List<Long> spokenEnds = new ArrayList<>();
        List<String> spokenTexts = new ArrayList<>();
        float[] lastKept = null;
        int lastKeptIndex = -1;
        for (int from = 0; from < segments.size(); from += batchSize) {
            List<Segment> chunk = segments.subList(from, Math.min(segments.size(), from + batchSize));
            List<Content> contents = new ArrayList<>(chunk.size());
            chunk.forEach(s -> contents.add(s.content()));
            List<float[]> vectors = encoder.encode(contents, (index, c, message) -> warnings.add("item '"
                    + item.id() + "' at " + chunk.get(index).span().describe() + ": " + message));
            if (vectors == null || vectors.size() != contents.size()) {
                throw new EncodingException("encoder " + encoder + " returned "
                        + (vectors == null ? "null" : vectors.size() + " vectors") + " for " + contents.size()
                        + " segments of item '" + item.id() + "'");
            }
            for (int i = 0; i < chunk.size(); i++) {
                Segment segment = chunk.get(i);
                float[] vector = vectors.get(i);
                if (isSpoken(segment)) {
                    // a spoken passage is never merged: its words are kept, and quoted, as they are
                    kept.add(new SegmentVector(segment.span(), vector, null));
                    spokenStarts.add(segment.span().startMs());
                    spokenEnds.add(segment.span().endMs());
                    spokenTexts.add(((TextContent) segment.content()).text());
                } else if (lastKept != null && cosine(vector, lastKept) >= duplicateCosine) {
                    SegmentVector previous = kept.get(lastKeptIndex);
                    TimeSpan merged = new TimeSpan(previous.span().startMs(),
                            Math.max(previous.span().endMs(), segment.span().endMs()));
                    kept.set(lastKeptIndex, new SegmentVector(merged, lastKept, previous.keyframe()));
                } else if (!repeatsAnEarlierOne(vector, kept, lastKeptIndex)) {
                    kept.add(new SegmentVector(segment.span(), vector, segment.keyframe()));
                    lastKept = vector;
                    lastKeptIndex = kept.size() - 1;
                }
            }
        }
        float[] mean = new float[kept.get(0).dimension()];
        for (SegmentVector segment : kept) {
            float[] v = segment.vector();
            for (int i = 0; i < mean.length; i++) {
                mean[i] += v[i];
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>(item.metadata());
        if (content instanceof VideoContent) {
            metadata.put(Item.VIDEO_REF_KEY, ((VideoContent) content).reference());
        }
        if (content instanceof AudioContent) {
            metadata.put(Item.AUDIO_REF_KEY, ((AudioContent) content).reference());
        }
        SpokenMoments.store(metadata, spokenStarts, spokenEnds, spokenTexts);
        return new VectorRecord(item.id(), Vectors.normalizeInPlace(mean), metadata, kept);
    }

    /** A spoken passage: a text segment without keyframe (what an audio segmenter makes of a transcript). */
    private static boolean isSpoken(Segment segment) {
        return segment.content() instanceof TextContent && segment.keyframe() == null;
    }

    /**
     * Whether the vector is a near-duplicate of a kept visual segment before the previous kept visual one (a shot
     * seen again); spoken passages are not compared.
     */
    private boolean repeatsAnEarlierOne(float[] vector, List<SegmentVector> kept, int lastVisualIndex) {
        for (int i = 0; i < kept.size(); i++) {
            if (i != lastVisualIndex && kept.get(i).keyframe() != null
                    && cosine(vector, kept.get(i).vector()) >= duplicateCosine) {
                return true;
            }
        }
        return false;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
