package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.util.Set;

/**
 * One positive pair for contrastive training: a vector (a shopper's photo, a text, an augmented view of a
 * product photo) and the gallery item it should be nearest to. Items in {@code relevant} other than the target
 * are not used as negatives for this pair (a text "a white hat" fits every white hat).
 *
 * <p>Thread-safety: immutable (the vector is copied in and must not be changed through {@link #vector()}).
 *
 * @param group the kind of pair, such as "labelled-image", "labelled-text", "view" or "metadata-text"; a
 *     mini-batch holds pairs of one group only, so that easy and hard kinds do not share a softmax
 * @param modality the modality the vector was encoded from (its map is applied to it)
 * @param vector the base encoder's vector
 * @param target the id of the gallery item that is its positive
 * @param relevant every gallery id that counts as a match; contains {@code target}
 */
public record TrainingPair(String group, Modality modality, float[] vector, String target, Set<String> relevant) {

    /** Validates and copies. */
    public TrainingPair {
        if (group == null || group.isBlank() || modality == null || target == null) {
            throw new InvalidInputException("a training pair needs a group, a modality and a target, got " + group
                    + ", " + modality + ", " + target);
        }
        TrainingData.checkVector(vector, "vector of the " + group + " pair for '" + target + "'");
        vector = vector.clone();
        relevant = relevant == null ? Set.of(target) : Set.copyOf(relevant);
        if (!relevant.contains(target)) {
            throw new InvalidInputException("the relevant ids of the " + group + " pair for '" + target
                    + "' must contain its target, got " + relevant);
        }
    }

    /**
     * @param group the kind of pair
     * @param modality the vector's modality
     * @param vector the vector
     * @param target the gallery id it matches (the only relevant one)
     * @return the pair
     */
    public static TrainingPair of(String group, Modality modality, float[] vector, String target) {
        return new TrainingPair(group, modality, vector, target, Set.of(target));
    }
}
