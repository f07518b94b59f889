package dev.mmrag.api;

import java.util.List;

/**
 * Stage 2 ("augment"): combines the query with what was retrieved into a {@link Prompt}: instructions, the
 * retrieved items in delimited blocks marked as data, and the images to attach.
 *
 * <p>Thread-safety: implementations state theirs; mmrag's default augmenter is immutable.
 */
@FunctionalInterface
public interface Augmenter {

    /**
     * @param query the query
     * @param retrieved the retrieved items, best first
     * @return the prompt
     */
    Prompt augment(Query query, List<Retrieved> retrieved);
}
