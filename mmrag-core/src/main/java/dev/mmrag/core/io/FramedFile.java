package dev.mmrag.core.io;

import dev.mmrag.api.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * A file format's frame: a magic, a format version and a checksum around content that the caller writes and reads,
 * written crash-safely with {@link SafeFile} and read back only after it is verified.
 *
 * <pre>
 *   magic     the format's magic, 4 to 16 ASCII bytes
 *   version   int, the format version the content was written in
 *   content   whatever the caller writes
 *   checksum  int, CRC-32C of every byte before it
 * </pre>
 * Numbers are big-endian ({@link DataOutputStream}).
 *
 * <pre>{@code
 * FramedFile.Format format = new FramedFile.Format("MMRAGKWD", "an mmrag keyword index file", 1, 1);
 * FramedFile.write(path, format, out -> out.writeUTF("hello"));
 * String text = FramedFile.read(path, format, frame -> frame.in().readUTF());
 * }</pre>
 *
 * <p><b>Reading</b> ({@link #read}) refuses anything but a regular file (a FIFO would block, a device never ends)
 * before it opens it; then it checks the magic, the version (from the format's oldest readable version to its
 * current one) and the checksum of the whole file, in one pass, before the caller sees a byte of the content; a
 * file of another format, of a version this code cannot read, truncated anywhere or with any bit flipped is thus
 * refused with a {@link FileFormatException} naming the file and the problem, without being interpreted. The
 * caller then reads the content from the same open file (a write that renames a new file over the path meanwhile
 * is not seen: the read sees the old file or the new one, whole), and must read all of it: content left unread, or
 * content that ends before the caller is done, is refused as damaged too. The checksum finds damage, not tampering
 * (whoever crafts a file can recompute it): a caller still checks every number it allocates from.
 *
 * <p>Thread-safety: stateless and safe for concurrent use.
 */
public final class FramedFile {

    private static final int CHECKSUM_BYTES = Integer.BYTES;
    private static final int BUFFER_BYTES = 1 << 16;

    private FramedFile() {
    }

    /**
     * A file format.
     *
     * @param magic the bytes every file of the format starts with: 4 to 16 printable ASCII characters
     * @param description what a file of the format is called in messages, with its article, e.g. {@code "an mmrag
     *     HNSW store file"}
     * @param version the format version written, at least 1
     * @param oldestVersion the oldest format version still read, 1 to {@code version}
     */
    public record Format(String magic, String description, int version, int oldestVersion) {
        /** Validates the format. */
        public Format {
            if (magic == null || magic.length() < 4 || magic.length() > 16
                    || !magic.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new InvalidInputException("magic " + (magic == null ? "null" : "\"" + magic + "\"")
                        + " is not allowed; expected 4 to 16 printable ASCII characters");
            }
            if (description == null || description.isBlank()) {
                throw new InvalidInputException("description must not be blank");
            }
            if (version < 1 || oldestVersion < 1 || oldestVersion > version) {
                throw new InvalidInputException("versions " + oldestVersion + " to " + version
                        + " are not allowed; expected 1 <= oldestVersion <= version");
            }
        }

        private byte[] magicBytes() {
            return magic.getBytes(StandardCharsets.US_ASCII);
        }

        private String versions() {
            return oldestVersion == version ? "format version " + version
                    : "format versions " + oldestVersion + " to " + version;
        }
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * @param out where to write, buffered; not to be closed
         * @throws IOException when writing fails; the target is then left unchanged
         */
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Reads the content of a verified file.
     *
     * @param <T> what the content is read into
     */
    @FunctionalInterface
    public interface ContentReader<T> {
        /**
         * @param frame the verified file, with a stream of its content
         * @return what the content holds
         * @throws IOException when reading fails; an {@link EOFException} (the content ends early) is reported as
         *     damage
         * @throws FileFormatException when the content is wrong, best made with {@link Frame#damaged(String)}
         */
        T read(Frame frame) throws IOException;
    }

    /**
     * A verified file being read: its format version and a stream of its content.
     *
     * <p>Thread-safety: not thread-safe; used by the one reader it is handed to.
     */
    public static final class Frame {
        private final Path path;
        private final Format format;
        private final int version;
        private final long length;
        private final BoundedInputStream bounded;
        private final DataInputStream in;

        private Frame(Path path, Format format, int version, long length, BoundedInputStream bounded) {
            this.path = path;
            this.format = format;
            this.version = version;
            this.length = length;
            this.bounded = bounded;
            this.in = new DataInputStream(bounded);
        }

        /** @return the file, as given to {@link FramedFile#read} */
        public Path path() {
            return path;
        }

        /** @return the format version the file was written in, within the format's readable versions */
        public int version() {
            return version;
        }

        /** @return the length of the content in bytes */
        public long length() {
            return length;
        }

        /** @return the bytes of the content not read yet */
        public long remaining() {
            return bounded.remaining();
        }

        /** @return the content as a stream (buffered underneath, so cheap to read in small pieces); it ends where the content ends */
        public DataInputStream in() {
            return in;
        }

        /**
         * @param why what is wrong, e.g. "it declares 5 items but holds 4"
         * @return an exception saying that the file is damaged or truncated, naming it, its kind and why
         */
        public FileFormatException damaged(String why) {
            return FramedFile.damaged(path, format, why);
        }
    }

    /**
     * Writes a file of the format, in its current version, crash-safely with {@link SafeFile} (refusing symbolic
     * links).
     *
     * @param target the file to create or replace
     * @param format the format
     * @param content writes the content
     * @throws InvalidInputException when the target may not be written (see {@link SafeFile})
     * @throws IOException when the folder does not exist or writing fails; the target is then unchanged
     */
    public static void write(Path target, Format format, ContentWriter content) throws IOException {
        write(target, SafeFile.Symlinks.REFUSE, format, content);
    }

    /**
     * Writes a file of the format, in its current version, crash-safely with {@link SafeFile}.
     *
     * @param target the file to create or replace
     * @param symlinks what to do when the target is a symbolic link
     * @param format the format
     * @param content writes the content
     * @throws InvalidInputException when the target may not be written (see {@link SafeFile})
     * @throws IOException when the folder does not exist or writing fails; the target is then unchanged
     */
    public static void write(Path target, SafeFile.Symlinks symlinks, Format format, ContentWriter content)
            throws IOException {
        if (format == null || content == null) {
            throw new InvalidInputException("format and content must not be null");
        }
        SafeFile.write(target, symlinks, out -> {
            CRC32C crc = new CRC32C();
            DataOutputStream checked = new DataOutputStream(new CheckedOutputStream(out, crc));
            checked.write(format.magicBytes());
            checked.writeInt(format.version());
            content.write(checked);
            checked.flush();
            new DataOutputStream(out).writeInt((int) crc.getValue());
        });
    }

    /**
     * Reads a file of the format after verifying it (see the class comment).
     *
     * @param <T> what the content is read into
     * @param path the file; a symbolic link is followed
     * @param format the format
     * @param reader reads the content
     * @return what the reader returned
     * @throws FileFormatException naming the file when it is not a regular file, not of the format, of a version
     *     outside the format's readable ones, truncated or damaged, or when the reader leaves content unread or
     *     runs past its end
     * @throws IOException when the file does not exist ({@link java.nio.file.NoSuchFileException}) or cannot be read
     */
    public static <T> T read(Path path, Format format, ContentReader<T> reader) throws IOException {
        if (path == null || format == null || reader == null) {
            throw new InvalidInputException("path, format and reader must not be null");
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            BasicFileAttributes own = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            String kind = SafeFile.kind(path, own.isSymbolicLink() ? attributes : own);
            throw new FileFormatException("file " + path + " is " + kind + ", not a regular file; expected "
                    + format.description());
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            int version = verify(path, format, channel, size);
            byte[] magic = format.magicBytes();
            int prefix = magic.length + Integer.BYTES;
            channel.position(prefix);
            BoundedInputStream content = new BoundedInputStream(
                    new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES),
                    size - prefix - CHECKSUM_BYTES);
            Frame frame = new Frame(path, format, version, content.remaining(), content);
            T result;
            try {
                result = reader.read(frame);
            } catch (EOFException e) {
                throw frame.damaged("its content ends before all of it is read (" + e.getMessage() + ")");
            }
            if (content.remaining() > 0) {
                throw frame.damaged("it has " + content.remaining() + " bytes after the end of its content");
            }
            return result;
        }
    }

    /** Checks magic, version and checksum, reading the file once from its start; returns the version. */
    private static int verify(Path path, Format format, FileChannel channel, long size) throws IOException {
        byte[] expected = format.magicBytes();
        int prefix = expected.length + Integer.BYTES;
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        int head = (int) Math.min(size, prefix);
        readFully(channel, buffer, head);
        byte[] magic = new byte[Math.min(head, expected.length)];
        buffer.get(magic);
        if (!Arrays.equals(magic, Arrays.copyOf(expected, magic.length))) {
            throw new FileFormatException("file " + path + " is not " + format.description() + " (it does not start "
                    + "with \"" + format.magic() + "\")");
        }
        if (size == 0) {
            throw damaged(path, format, "it is empty");
        }
        if (size < prefix + CHECKSUM_BYTES) {
            throw damaged(path, format, "it has " + size + " bytes, fewer than any such file");
        }
        int version = buffer.getInt();
        if (version < format.oldestVersion() || version > format.version()) {
            throw new FileFormatException("file " + path + " (" + format.description() + ") has format version "
                    + version + "; this version of mmrag reads " + format.versions());
        }
        CRC32C crc = new CRC32C();
        crc.update(expected);
        crc.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, version));
        long checked = prefix;
        long end = size - CHECKSUM_BYTES;
        while (checked < end) {
            int chunk = (int) Math.min(buffer.capacity(), end - checked);
            readFully(channel, buffer, chunk);
            crc.update(buffer);
            checked += chunk;
        }
        readFully(channel, buffer, CHECKSUM_BYTES);
        int stored = buffer.getInt();
        if (stored != (int) crc.getValue()) {
            throw damaged(path, format, String.format("its checksum is %08x but its content sums to %08x", stored,
                    (int) crc.getValue()));
        }
        return version;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, int length) throws IOException {
        buffer.clear().limit(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                // The file shrank after its size was taken.
                throw new EOFException("the file ended early while it was read");
            }
        }
        buffer.flip();
    }

    private static FileFormatException damaged(Path path, Format format, String why) {
        return new FileFormatException("file " + path + " (" + format.description() + ") is damaged or truncated: "
                + why);
    }
}
