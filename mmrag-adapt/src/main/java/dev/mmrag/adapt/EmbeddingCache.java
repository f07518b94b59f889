package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base-encoder vectors by key, kept in a file so that training runs on vectors and images (and their augmented
 * views) are encoded once. Keys name the content: {@link #key(String, byte[])} hashes the bytes with what was done
 * to them, so a changed photo is a new key.
 *
 * <p>The file: magic {@code "MMRAGEMB"}, version 1, dimension, the base model's probe vectors (as in
 * {@link AdapterFile}), the number of entries, each a UTF key and its floats, and a SHA-256 of everything before.
 * {@link #open} refuses a corrupt or foreign file naming it (delete it to start over); a cache of another base
 * model is not an error but is not used ({@link #discarded()} says so) and is replaced on {@link #save()}.
 * Saving is atomic (mmrag-core's {@code SafeFile}: temporary file, fsync, rename).
 *
 * <p>Thread-safety: safe for concurrent use (methods are synchronized).
 */
public final class EmbeddingCache {

    /** The first bytes of every cache file. */
    public static final String MAGIC = "MMRAGEMB";
    /** The format version. */
    public static final int VERSION = 1;

    private final Path file;
    private final BaseModelFingerprint base;
    private final Map<String, float[]> vectors = new LinkedHashMap<>();
    private final String discarded;
    private boolean changed;

    private EmbeddingCache(Path file, BaseModelFingerprint base, String discarded) {
        this.file = file;
        this.base = base;
        this.discarded = discarded;
    }

    /**
     * Opens a cache file, or starts an empty cache when it does not exist.
     *
     * @param file the cache file (null: a cache in memory only)
     * @param base the fingerprint of the encoder whose vectors are cached
     * @return the cache
     * @throws InvalidInputException naming the file when it is not a cache file, corrupt or truncated
     */
    public static EmbeddingCache open(Path file, BaseModelFingerprint base) {
        if (file == null || !Files.exists(file)) {
            return new EmbeddingCache(file, base, null);
        }
        String what = "embedding cache " + file;
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(what + " is not a regular file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + ": " + e.getMessage(), e);
        }
        if (bytes.length < MAGIC.length() + 32
                || !Arrays.equals(bytes, 0, MAGIC.length(), MAGIC.getBytes(StandardCharsets.US_ASCII), 0, MAGIC.length())) {
            throw new InvalidInputException(what + " is not an mmrag embedding cache; delete it or pass another file");
        }
        if (!MessageDigest.isEqual(AdapterFile.sha256(bytes, bytes.length - 32),
                Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))) {
            throw new InvalidInputException(what + " is corrupt (checksum mismatch); delete it to rebuild it");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length(),
                bytes.length - MAGIC.length() - 32))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new InvalidInputException(what + " has version " + version + ", expected " + VERSION
                        + "; delete it to rebuild it");
            }
            int dimension = in.readInt();
            if (dimension < 1 || dimension > AdapterFile.MAX_DIMENSION) {
                throw new InvalidInputException(what + " has dimension " + dimension);
            }
            int probeCount = in.readInt();
            if (probeCount < 1 || probeCount > Modality.values().length) {
                throw new InvalidInputException(what + " declares " + probeCount + " probe vectors");
            }
            Map<Modality, float[]> probes = new EnumMap<>(Modality.class);
            for (int i = 0; i < probeCount; i++) {
                int code = in.readByte();
                if (code < 0 || code >= Modality.values().length) {
                    throw new InvalidInputException(what + " names an unknown modality " + code);
                }
                probes.put(Modality.values()[code], floats(in, dimension, what));
            }
            BaseModelFingerprint cached = new BaseModelFingerprint(dimension, probes);
            if (!sameModel(cached, base)) {
                return new EmbeddingCache(file, base, what + " holds vectors of another base model; they are not used "
                        + "and the file will be replaced");
            }
            EmbeddingCache cache = new EmbeddingCache(file, base, null);
            int count = in.readInt();
            if (count < 0 || (long) count * (dimension * 4L + 2) > bytes.length) {
                throw new InvalidInputException(what + " declares " + count + " vectors, more than it can hold");
            }
            for (int i = 0; i < count; i++) {
                String key = in.readUTF();
                cache.vectors.put(key, floats(in, dimension, what));
            }
            return cache;
        } catch (EOFException e) {
            throw new InvalidInputException(what + " is truncated; delete it to rebuild it", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameModel(BaseModelFingerprint a, BaseModelFingerprint b) {
        if (a.dimension() != b.dimension()) {
            return false;
        }
        for (Map.Entry<Modality, float[]> probe : b.probes().entrySet()) {
            float[] other = a.probes().get(probe.getKey());
            if (other == null) {
                return false;
            }
            double dot = 0;
            for (int i = 0; i < other.length; i++) {
                dot += (double) other[i] * probe.getValue()[i];
            }
            if (!(dot >= BaseModelFingerprint.MIN_COSINE)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param what what was done to the content, such as "image", "text" or "view 3 of seed 42"
     * @param bytes the content's bytes (a file, or a text in UTF-8)
     * @return a key for them
     */
    public static String key(String what, byte[] bytes) {
        return what + ":" + HexFormat.of().formatHex(AdapterFile.sha256(bytes, bytes.length));
    }

    /** @return why a file's vectors were not used (another base model), or null */
    public synchronized String discarded() {
        return discarded;
    }

    /**
     * @param key a key
     * @return its vector (a copy), or null
     */
    public synchronized float[] get(String key) {
        float[] v = vectors.get(key);
        return v == null ? null : v.clone();
    }

    /**
     * @param key a key
     * @param vector its vector, of the base model's dimension
     */
    public synchronized void put(String key, float[] vector) {
        if (vector.length != base.dimension()) {
            throw new InvalidInputException("cached vector for " + key + " has dimension " + vector.length
                    + ", expected " + base.dimension());
        }
        vectors.put(key, vector.clone());
        changed = true;
    }

    /** @return how many vectors it holds */
    public synchronized int size() {
        return vectors.size();
    }

    /** Writes the file (atomically) when something was added; does nothing for a cache in memory. */
    public synchronized void save() {
        if (file == null || !changed && discarded == null) {
            return;
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(VERSION);
            out.writeInt(base.dimension());
            out.writeInt(base.probes().size());
            for (Map.Entry<Modality, float[]> probe : base.probes().entrySet()) {
                out.writeByte(probe.getKey().ordinal());
                for (float f : probe.getValue()) {
                    out.writeFloat(f);
                }
            }
            out.writeInt(vectors.size());
            for (Map.Entry<String, float[]> entry : vectors.entrySet()) {
                out.writeUTF(entry.getKey());
                for (float f : entry.getValue()) {
                    out.writeFloat(f);
                }
            }
            out.write(AdapterFile.sha256(buffer.toByteArray(), buffer.size()));
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        AdapterFile.writeAtomically(file, buffer.toByteArray(), "embedding cache");
        changed = false;
    }

    private static float[] floats(DataInputStream in, int n, String what) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
