package dev.mmrag.core;

import dev.mmrag.api.Content;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.UnsupportedModalityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Runs several {@link Segmenter}s on one content and puts their segments together in time order: a video's shots
 * from a video segmenter and the passages of its sound track from an audio segmenter, so that one video item has
 * visual and spoken moments. For each content, every segmenter whose modalities include the content's runs; the
 * warnings of all are kept, and the duration is the longest one read.
 *
 * <pre>{@code
 * Segmenter segmenter = CompositeSegmenter.of(FfmpegVideoSegmenter.create(),
 *         FfmpegAudioSegmenter.builder(transcriber).build());
 * }</pre>
 *
 * <p>Thread-safety: immutable; safe for concurrent use when the segmenters are.
 */
public final class CompositeSegmenter implements Segmenter {

    private final List<Segmenter> segmenters;
    private final Set<Modality> modalities;

    private CompositeSegmenter(List<Segmenter> segmenters) {
        this.segmenters = List.copyOf(segmenters);
        Set<Modality> all = EnumSet.noneOf(Modality.class);
        for (Segmenter segmenter : segmenters) {
            all.addAll(segmenter.modalities());
        }
        this.modalities = Set.copyOf(all);
    }

    /**
     * @param segmenters at least one segmenter, none null; they run in this order
     * @return the combination
     */
    public static CompositeSegmenter of(Segmenter... segmenters) {
        if (segmenters == null || segmenters.length == 0) {
            throw new InvalidInputException("a composite segmenter needs at least one segmenter");
        }
        for (Segmenter segmenter : segmenters) {
            if (segmenter == null) {
                throw new InvalidInputException("a composite segmenter's segmenters must not be null");
            }
        }
        return new CompositeSegmenter(List.of(segmenters));
    }

    @Override
    public Set<Modality> modalities() {
        return modalities;
    }

    @Override
    public Segmentation segment(Content content) {
        if (content == null || !modalities.contains(content.modality())) {
            throw new UnsupportedModalityException("composite segmenter cuts " + modalities + ", not "
                    + (content == null ? "null" : content.modality() + " (" + content.describe() + ")"));
        }
        List<Segment> segments = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long duration = 0;
        for (Segmenter segmenter : segmenters) {
            if (segmenter.modalities().contains(content.modality())) {
                Segmentation part = segmenter.segment(content);
                segments.addAll(part.segments());
                warnings.addAll(part.warnings());
                duration = Math.max(duration, part.durationMs());
            }
        }
        segments.sort(Comparator.comparingLong(s -> s.span().startMs()));
        return new Segmentation(segments, warnings, duration);
    }

    @Override
    public String toString() {
        return "CompositeSegmenter" + segmenters;
    }
}
