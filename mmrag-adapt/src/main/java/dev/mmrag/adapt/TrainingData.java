package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ContrastiveTrainer} learns from, all as base-encoder vectors (training runs on cached vectors, not
 * on images): the gallery (the catalogue, one vector per item id, all of one modality, such as the product
 * photos), the training pairs, and the held-out queries.
 *
 * <p>Thread-safety: immutable.
 *
 * @param galleryModality the modality of the gallery vectors (their map is applied to them)
 * @param gallery the catalogue's vectors by id, in a fixed order (copied in insertion order)
 * @param pairs the training pairs, each targeting a gallery id; not empty
 * @param heldOut queries not trained on, each relevant to gallery ids; not empty
 */
public record TrainingData(Modality galleryModality, Map<String, float[]> gallery, List<TrainingPair> pairs,
        List<HeldOutQuery> heldOut) {

    /** Validates and copies. */
    public TrainingData {
        if (galleryModality == null) {
            throw new InvalidInputException("training data needs the gallery's modality");
        }
        if (gallery == null || gallery.isEmpty()) {
            throw new InvalidInputException("training data needs a non-empty gallery");
        }
        LinkedHashMap<String, float[]> copy = new LinkedHashMap<>();
        int dimension = -1;
        for (Map.Entry<String, float[]> item : gallery.entrySet()) {
            checkVector(item.getValue(), "gallery vector of '" + item.getKey() + "'");
            if (dimension < 0) {
                dimension = item.getValue().length;
            } else if (item.getValue().length != dimension) {
                throw new InvalidInputException("gallery vector of '" + item.getKey() + "' has dimension "
                        + item.getValue().length + ", expected " + dimension);
            }
            copy.put(item.getKey(), item.getValue().clone());
        }
        gallery = Collections.unmodifiableMap(copy);
        pairs = List.copyOf(pairs);
        heldOut = List.copyOf(heldOut);
        if (pairs.isEmpty()) {
            throw new InvalidInputException("training data needs at least one training pair");
        }
        if (heldOut.isEmpty()) {
            throw new InvalidInputException("training data needs at least one held-out query (for early stopping "
                    + "and the before/after check)");
        }
        for (TrainingPair pair : pairs) {
            if (pair.vector().length != dimension) {
                throw new InvalidInputException("the " + pair.group() + " pair for '" + pair.target()
                        + "' has dimension " + pair.vector().length + ", the gallery " + dimension);
            }
            if (!gallery.containsKey(pair.target())) {
                throw new InvalidInputException("the " + pair.group() + " pair targets '" + pair.target()
                        + "', which is not in the gallery");
            }
        }
        for (HeldOutQuery query : heldOut) {
            if (query.vector().length != dimension) {
                throw new InvalidInputException("a held-out query has dimension " + query.vector().length
                        + ", the gallery " + dimension);
            }
        }
    }

    /** @return the dimension of every vector */
    public int dimension() {
        return gallery.values().iterator().next().length;
    }

    static void checkVector(float[] vector, String what) {
        if (vector == null || vector.length == 0) {
            throw new InvalidInputException(what + " is null or empty");
        }
        boolean zero = true;
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new InvalidInputException(what + " has " + vector[i] + " at index " + i
                        + "; every component must be finite");
            }
            zero &= vector[i] == 0f;
        }
        if (zero) {
            throw new InvalidInputException(what + " is all zeros");
        }
    }
}
