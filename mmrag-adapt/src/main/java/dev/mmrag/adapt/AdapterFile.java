package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.StoreException;
import dev.mmrag.core.io.SafeFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads and writes {@link LinearAdapter}s. The file is plain data, never Java serialization:
 *
 * <pre>
 *   8 bytes  magic "MMRAGADP"
 *   int      format version (1)
 *   int      dimension d, 1 to 65536
 *   int      rank r, 0 (full) to d
 *   float    alpha, in [0, 1]
 *   int      number of probe vectors of the base model (1 or 2), then for each:
 *              byte modality (0 text, 1 image), d floats
 *   int      number of maps (0 to 2), then for each:
 *              byte modality, int parameter count (d*d, or 2*r*d), the floats
 *   32 bytes SHA-256 of everything before it
 * </pre>
 * (big-endian, as {@link DataOutputStream} writes). {@link #read} checks that the path is a regular file of at most
 * {@link #MAX_FILE_BYTES}, the magic, the version, every size
 * against the file's length before allocating, the values' ranges and the checksum, and names the file and the
 * problem in an {@link InvalidInputException}: a file that is not an adapter, a corrupt one and one of an unknown
 * version are all refused. Whether an adapter belongs to an encoder is checked when they meet
 * ({@link AdaptedEncoder#of}).
 *
 * <p>{@link #write} goes through mmrag-core's {@link SafeFile}: a temporary file in the target's folder, forced to
 * disk and renamed over the target atomically, so a crash leaves the old file or the new one, never a torn one.
 *
 * <p>Thread-safety: stateless.
 */
public final class AdapterFile {

    /** The first bytes of every adapter file. */
    public static final String MAGIC = "MMRAGADP";
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    /** The largest dimension accepted. */
    public static final int MAX_DIMENSION = 65536;
    /**
     * The largest file accepted, 256 MiB (checked before reading): a full-rank adapter of both modalities for
     * 4096-dimensional vectors takes 128 MiB; CLIP ViT-B/32's 512 dimensions take 2 MiB.
     */
    public static final long MAX_FILE_BYTES = 256L << 20;

    private static final int DIGEST_BYTES = 32;

    private AdapterFile() {
    }

    /**
     * Writes an adapter atomically (temporary file, fsync, atomic rename).
     *
     * @param file the target; replaced if it exists
     * @param adapter the adapter
     * @throws StoreException naming the file when it cannot be written (its folder does not exist, the disk is
     *     full); the old file is then left as it was
     * @throws InvalidInputException naming the path when it is not a file that may be replaced (a directory, a
     *     device, a symbolic link, a read-only file; see {@link SafeFile})
     */
    public static void write(Path file, LinearAdapter adapter) {
        writeAtomically(file, encode(adapter), "adapter file");
    }

    /** Writes bytes through {@link SafeFile} (temporary file, fsync, atomic rename, folder fsync). */
    static void writeAtomically(Path file, byte[] bytes, String what) {
        try {
            SafeFile.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new StoreException("cannot write " + what + " " + file + ": " + e, e);
        }
    }

    /**
     * @param file an adapter file
     * @return the adapter it holds
     * @throws InvalidInputException naming the file when it is missing, not an adapter file, of another version,
     *     truncated or corrupt
     */
    public static LinearAdapter read(Path file) {
        byte[] bytes;
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new InvalidInputException("adapter file " + file + " is not a regular file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new InvalidInputException("adapter file " + file + " has " + size + " bytes; an adapter file "
                        + "has at most " + MAX_FILE_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("adapter file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read adapter file " + file + ": " + e.getMessage(), e);
        }
        return decode(bytes, "adapter file " + file);
    }

    /** @return the SHA-256 (hex) of an adapter's encoding: its file's trailing checksum */
    static String fingerprint(LinearAdapter adapter) {
        byte[] bytes = encode(adapter);
        return HexFormat.of().formatHex(bytes, bytes.length - DIGEST_BYTES, bytes.length);
    }

    static byte[] encode(LinearAdapter adapter) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(VERSION);
            out.writeInt(adapter.dimension());
            out.writeInt(adapter.rank());
            out.writeFloat(adapter.alpha());
            Map<Modality, float[]> probes = adapter.base().probes();
            out.writeInt(probes.size());
            for (Map.Entry<Modality, float[]> probe : probes.entrySet()) {
                out.writeByte(probe.getKey().ordinal());
                writeFloats(out, probe.getValue());
            }
            Map<Modality, float[]> maps = adapter.parameterMap();
            out.writeInt(maps.size());
            for (Map.Entry<Modality, float[]> map : maps.entrySet()) {
                out.writeByte(map.getKey().ordinal());
                out.writeInt(map.getValue().length);
                writeFloats(out, map.getValue());
            }
            out.write(sha256(buffer.toByteArray(), buffer.size()));
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return buffer.toByteArray();
    }

    static LinearAdapter decode(byte[] bytes, String what) {
        int magicLength = MAGIC.length();
        if (bytes.length < magicLength
                || !Arrays.equals(bytes, 0, magicLength, MAGIC.getBytes(StandardCharsets.US_ASCII), 0, magicLength)) {
            throw new InvalidInputException(what + " is not an mmrag adapter file (it does not start with '" + MAGIC
                    + "')");
        }
        if (bytes.length < magicLength + 4 + DIGEST_BYTES) {
            throw new InvalidInputException(what + " is truncated (" + bytes.length + " bytes)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, magicLength,
                bytes.length - magicLength - DIGEST_BYTES));
        try {
            int version = in.readInt();
            if (version != VERSION) {
                throw new InvalidInputException(what + " has format version " + version + "; this mmrag reads version "
                        + VERSION);
            }
            byte[] expected = sha256(bytes, bytes.length - DIGEST_BYTES);
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, bytes.length - DIGEST_BYTES, bytes.length))) {
                throw new InvalidInputException(what + " is corrupt: its SHA-256 checksum does not match its contents");
            }
            int dimension = in.readInt();
            if (dimension < 1 || dimension > MAX_DIMENSION) {
                throw new InvalidInputException(what + " has dimension " + dimension + "; expected 1 to " + MAX_DIMENSION);
            }
            int rank = in.readInt();
            if (rank < 0 || rank > dimension) {
                throw new InvalidInputException(what + " has rank " + rank + "; expected 0 (full) to " + dimension);
            }
            float alpha = in.readFloat();
            if (!(alpha >= 0f && alpha <= 1f)) {
                throw new InvalidInputException(what + " has alpha " + alpha + "; expected a number in [0, 1]");
            }
            Map<Modality, float[]> probes = new EnumMap<>(Modality.class);
            int probeCount = count(in.readInt(), 1, Modality.values().length, "probe vectors", what);
            for (int i = 0; i < probeCount; i++) {
                Modality modality = modality(in.readByte(), probes, what);
                probes.put(modality, readFloats(in, dimension, what));
            }
            int expectedParameters = ResidualMap.parameterCount(dimension, rank);
            Map<Modality, float[]> maps = new EnumMap<>(Modality.class);
            int mapCount = count(in.readInt(), 0, Modality.values().length, "maps", what);
            for (int i = 0; i < mapCount; i++) {
                Modality modality = modality(in.readByte(), maps, what);
                int length = in.readInt();
                if (length != expectedParameters) {
                    throw new InvalidInputException(what + " has " + length + " parameters for its " + modality
                            + " map; dimension " + dimension + " and rank " + rank + " need " + expectedParameters);
                }
                maps.put(modality, readFloats(in, length, what));
            }
            if (in.available() != 0) {
                throw new InvalidInputException(what + " has " + in.available() + " unexpected bytes after its maps");
            }
            return new LinearAdapter(new BaseModelFingerprint(dimension, probes), dimension, rank, alpha, maps);
        } catch (EOFException e) {
            throw new InvalidInputException(what + " is truncated: it ends inside its data", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + ": " + e.getMessage(), e);
        } catch (InvalidInputException e) {
            if (e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new InvalidInputException(what + " holds an invalid adapter: " + e.getMessage(), e);
        }
    }

    private static int count(int value, int min, int max, String of, String what) {
        if (value < min || value > max) {
            throw new InvalidInputException(what + " declares " + value + " " + of + "; expected " + min + " to " + max);
        }
        return value;
    }

    private static Modality modality(byte code, Map<Modality, ?> seen, String what) {
        if (code < 0 || code >= Modality.values().length) {
            throw new InvalidInputException(what + " names an unknown modality " + code);
        }
        Modality modality = Modality.values()[code];
        if (seen.containsKey(modality)) {
            throw new InvalidInputException(what + " names modality " + modality + " twice");
        }
        return modality;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in, int n, String what) throws IOException {
        if ((long) n * Float.BYTES > in.available()) {
            throw new InvalidInputException(what + " is truncated: it declares " + n + " floats but holds "
                    + in.available() / Float.BYTES + " more");
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    /**
     * @param bytes the bytes
     * @param length how many of the first bytes to digest
     * @return their SHA-256 digest
     */
    static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
