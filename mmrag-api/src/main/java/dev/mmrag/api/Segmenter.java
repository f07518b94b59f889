package dev.mmrag.api;

import java.util.Set;

/**
 * Turns a long content (a video; later an audio recording with its transcript) into time-coded
 * {@link Segment}s of stills and texts, which the {@link Encoder} then embeds one by one. The item keeps all its
 * segment vectors together (see {@link VectorRecord#segments()}), and a search returns the item with its best
 * {@link Moment}s.
 *
 * <p>An implementation reads the content as a stream (it never holds a whole video in memory) and reports a bad
 * content as an {@link InvalidInputException} naming it; parts it cannot read in the middle become
 * {@link Segmentation#warnings()}.
 *
 * <p>Thread-safety: implementations state theirs; the ones shipped with mmrag are safe for concurrent use.
 */
public interface Segmenter {

    /** @return the modalities this segmenter cuts (for example {@link Modality#VIDEO}) */
    Set<Modality> modalities();

    /**
     * @param content the content to cut; its modality is one of {@link #modalities()}
     * @return its segments in time order, with warnings
     * @throws InvalidInputException when the content cannot be read at all (not a video, no frames, too large,
     *     too long), naming the content and what was expected
     * @throws UnsupportedModalityException when the content's modality is not one of {@link #modalities()}
     */
    Segmentation segment(Content content);
}
