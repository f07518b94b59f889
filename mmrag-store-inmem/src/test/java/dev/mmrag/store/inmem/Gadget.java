package dev.mmrag.store.inmem;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * Stands for a deserialization gadget: a serializable class whose {@code readObject} runs code. If a store file
 * naming it were ever deserialized, {@link #ranCode} would turn true.
 *
 * <p>Thread-safety: the flag is volatile; tests reset it.
 */
final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether any instance's {@code readObject} ran. */
    static volatile boolean ranCode;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        ranCode = true;
    }
}
