package dev.mmrag.api;

import java.util.List;
import java.util.Set;

/**
 * Turns contents (text, images) into vectors in one shared embedding space. Port of stage 0 (indexing) and
 * of the query side of stage 1 (retrieval).
 *
 * <p>Rules every implementation keeps (tested by {@code EncoderContract}):
 * <ul>
 *   <li>every vector has {@link #dimension()} components, all finite;</li>
 *   <li>a batch gives the same vectors as encoding its contents one by one;</li>
 *   <li>a content whose modality is not in {@link #modalities()} makes the call throw
 *       {@link UnsupportedModalityException}; nothing is silently skipped;</li>
 *   <li>unreadable input throws {@link InvalidInputException} naming the content.</li>
 * </ul>
 *
 * <p>Thread-safety: implementations state theirs; the ones shipped with mmrag are safe for concurrent use.
 */
public interface Encoder extends AutoCloseable {

    /** @return the number of components of every vector */
    int dimension();

    /** @return the modalities this encoder can embed */
    Set<Modality> modalities();

    /**
     * Encodes a batch.
     *
     * @param contents the contents, in any mix of supported modalities
     * @return one vector per content, in the same order
     * @throws UnsupportedModalityException when a content's modality is not supported
     * @throws InvalidInputException when a content cannot be read, naming it
     * @throws EncodingException when the model fails
     */
    List<float[]> encode(List<? extends Content> contents);

    /**
     * Encodes a batch and reports warnings (such as truncated text) to a listener. The default ignores the
     * listener; encoders that can warn override this.
     *
     * @param contents the contents
     * @param listener receives warnings
     * @return one vector per content, in the same order
     */
    default List<float[]> encode(List<? extends Content> contents, EncodingListener listener) {
        return encode(contents);
    }

    /**
     * Encodes one content.
     *
     * @param content the content
     * @return its vector
     */
    default float[] encode(Content content) {
        return encode(List.of(content)).get(0);
    }

    /**
     * @param modality a modality
     * @return whether this encoder can embed it
     */
    default boolean supports(Modality modality) {
        return modalities().contains(modality);
    }

    /** Releases native resources (model sessions). The default does nothing. */
    @Override
    default void close() {
    }
}
