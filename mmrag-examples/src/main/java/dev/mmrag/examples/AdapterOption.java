package dev.mmrag.examples;

import dev.mmrag.adapt.AdaptedEncoder;
import dev.mmrag.adapt.AdapterFile;
import dev.mmrag.adapt.LinearAdapter;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Style Finder's {@code --adapter FILE} option of {@code find}, {@code index} and {@code eval}: the encoder is
 * wrapped in an {@link AdaptedEncoder} (for the catalogue and the queries alike), an index built with it records
 * the adapter's fingerprint in the store's properties ({@value #PROPERTY}; "none" without an adapter), and an index
 * loaded with {@code --index} is refused unless it was built with the same adapter, or with none when none is
 * given: vectors from two different maps are not comparable.
 *
 * <p>Thread-safety: immutable.
 */
final class AdapterOption {

    /** The option's name. */
    static final String NAME = "adapter";
    /** The store property that records the adapter an index was built with. */
    static final String PROPERTY = "mmrag.adapter";
    /** The property's value for an index built without an adapter. */
    static final String NONE = "none";

    private final Path file;
    private final LinearAdapter adapter;

    private AdapterOption(Path file, LinearAdapter adapter) {
        this.file = file;
        this.adapter = adapter;
    }

    /**
     * @param line the command line
     * @return its {@code --adapter}, read and checked, or none
     * @throws InvalidInputException naming the file when it is not a readable adapter
     */
    static AdapterOption of(CommandLine line) {
        Path file = line.path(NAME, null);
        return new AdapterOption(file, file == null ? null : AdapterFile.read(file));
    }

    /**
     * @param base the CLIP encoder
     * @return it with the adapter, or itself without one
     * @throws InvalidInputException when the adapter was trained on another model
     */
    Encoder wrap(Encoder base) {
        return adapter == null ? base : AdaptedEncoder.of(base, adapter);
    }

    /** @return the properties an index built with this option records */
    Map<String, String> indexProperties() {
        return Map.of(PROPERTY, fingerprint());
    }

    /**
     * @param store an index loaded from a file
     * @param indexFile its file, for the message
     * @throws InvalidInputException when it was built with another adapter, or with one when none is given, or
     *     without one when one is given
     */
    void checkIndex(HnswVectorStore store, String indexFile) {
        String recorded = store.properties().getOrDefault(PROPERTY, NONE);
        String expected = fingerprint();
        if (recorded.equals(expected)) {
            return;
        }
        if (recorded.equals(NONE)) {
            throw new InvalidInputException("index " + indexFile + " was built without an adapter, but --adapter "
                    + file + " was given; rebuild the index with 'index --adapter " + file + "' or leave --adapter out");
        }
        if (adapter == null) {
            throw new InvalidInputException("index " + indexFile + " was built with adapter " + shortly(recorded)
                    + "; pass the same --adapter FILE, or rebuild the index without one");
        }
        throw new InvalidInputException("index " + indexFile + " was built with adapter " + shortly(recorded)
                + ", not with " + file + " (" + shortly(expected) + "); pass the adapter it was built with, or rebuild "
                + "the index with this one");
    }

    private String fingerprint() {
        return adapter == null ? NONE : adapter.fingerprint();
    }

    private static String shortly(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) : fingerprint;
    }
}
