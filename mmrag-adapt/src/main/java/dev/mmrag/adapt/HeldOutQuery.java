package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.util.Set;

/**
 * A query the trainer does not learn from, with the gallery ids that count as hits: recall@k on these decides
 * when to stop ({@link TrainerConfig#patience()}), which alpha to keep, and whether the adapter is an improvement.
 *
 * <p>Thread-safety: immutable (the vector is copied in and must not be changed through {@link #vector()}).
 *
 * @param modality the modality the vector was encoded from
 * @param vector the base encoder's vector
 * @param relevant the gallery ids that count as hits, not empty
 */
public record HeldOutQuery(Modality modality, float[] vector, Set<String> relevant) {

    /** Validates and copies. */
    public HeldOutQuery {
        if (modality == null) {
            throw new InvalidInputException("a held-out query needs a modality");
        }
        TrainingData.checkVector(vector, "held-out query vector");
        vector = vector.clone();
        relevant = Set.copyOf(relevant);
        if (relevant.isEmpty()) {
            throw new InvalidInputException("a held-out query needs at least one relevant id");
        }
    }
}
