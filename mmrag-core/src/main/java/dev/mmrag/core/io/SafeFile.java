package dev.mmrag.core.io;

import dev.mmrag.api.InvalidInputException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Writes a file crash-safely, and only where a file belongs.
 *
 * <pre>{@code
 * SafeFile.write(Path.of("catalog.idx"), out -> out.write(bytes));
 * }</pre>
 *
 * <p><b>Crash safety.</b> {@link #write(Path, Content)} writes the content to a temporary file in the target's
 * folder ({@value #TEMPORARY_PREFIX}{@code <random>}{@value #TEMPORARY_SUFFIX}, created exclusively, so an existing
 * file or link of that name is never written through), forces it to disk, renames it over the target atomically
 * and forces the folder, so a crash at any moment leaves either the old file or the new one, whole. The new file
 * keeps the POSIX permissions of the file it replaces; a file that did not exist gets the default permissions of
 * any new file (the umask applies). A failed write, whatever it failed with (an {@link Error} too), deletes its
 * temporary file; a process killed mid-write leaves it behind, and it is safe to delete. A file system that cannot
 * rename atomically is refused with an {@link IOException}, not written unsafely.
 *
 * <p><b>What may be replaced.</b> A write creates a new file or replaces a <em>regular</em> file; it refuses, with
 * an {@link InvalidInputException} naming the path and what it is, before anything is written:
 * <ul>
 *   <li>an empty path, a directory (also {@code /} and {@code .});</li>
 *   <li>anything else that is not a regular file: a FIFO, a socket, a character or block device
 *       ({@code /dev/null}, {@code /dev/full});</li>
 *   <li>a symbolic link, unless {@link Symlinks#FOLLOW} is given: then the file the link leads to (which must
 *       exist and pass these checks) is replaced and the link is kept;</li>
 *   <li>a read-only file: one whose owner has no write permission (so also for root, whom the operating system
 *       would let write anyway), or that this process may not write.</li>
 * </ul>
 * A folder that does not exist is a {@link NoSuchFileException} naming the folder. The checks are made before the content
 * is written and again just before the rename, so a target that changes kind in between is still refused (an
 * adversary with write access to the folder can still swap the target between that check and the rename; the
 * rename then replaces the directory entry, never writes into what it names).
 *
 * <p>Thread-safety: stateless and safe for concurrent use; two concurrent writes of the same target each replace
 * it whole, the last rename wins.
 */
public final class SafeFile {

    /** How a write treats a target that is a symbolic link. */
    public enum Symlinks {
        /** Refuse the link (the default): writing would replace the link itself with a regular file. */
        REFUSE,
        /** Replace the existing regular file the link leads to, and keep the link. */
        FOLLOW
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param out where to write, buffered; closing it has no effect (the file is closed by {@link SafeFile})
         * @throws IOException when writing fails; the target is then left unchanged
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** The start of a temporary file's name. */
    public static final String TEMPORARY_PREFIX = ".mmrag-";
    /** The end of a temporary file's name. */
    public static final String TEMPORARY_SUFFIX = ".tmp";

    private static final int BUFFER_BYTES = 1 << 16;
    private static final int MAX_NAME_ATTEMPTS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    // File type bits of a "unix:mode" attribute (stat's st_mode).
    private static final int TYPE_MASK = 0170000;
    private static final int FIFO = 0010000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int SOCKET = 0140000;

    private SafeFile() {
    }

    /**
     * Writes a file crash-safely, refusing symbolic links; see the class comment.
     *
     * @param target the file to create or replace
     * @param content writes the content
     * @throws InvalidInputException when the target may not be written (see the class comment), naming it
     * @throws IOException when the folder does not exist or writing fails; the target is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        write(target, Symlinks.REFUSE, content);
    }

    /**
     * Writes a file crash-safely; see the class comment.
     *
     * @param target the file to create or replace
     * @param symlinks what to do when the target is a symbolic link
     * @param content writes the content
     * @throws InvalidInputException when the target may not be written (see the class comment), naming it
     * @throws IOException when the folder does not exist or writing fails; the target is then unchanged
     */
    public static void write(Path target, Symlinks symlinks, Content content) throws IOException {
        if (content == null) {
            throw new InvalidInputException("content must not be null");
        }
        Path file = checkTarget(target, symlinks);
        Path folder = file.getParent();
        Path temporary = createTemporaryFile(folder);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                content.writeTo(new NonClosingOutputStream(out));
                out.flush();
                channel.force(true);
            }
            copyPermissions(file, temporary);
            // Again, right before the rename: the target may have become a link, a FIFO or read-only meanwhile.
            checkTarget(file, Symlinks.REFUSE);
            moveAtomically(temporary, file);
        } catch (Throwable e) {
            // Also on an Error (an OutOfMemoryError while the content is produced): the file is of no use.
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException | RuntimeException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
        forceFolder(folder);
    }

    /**
     * Checks that a write may create or replace the target, without writing anything: an application can call it
     * before it spends minutes producing the content (the write checks again).
     *
     * @param target the file to create or replace
     * @param symlinks what to do when the target is a symbolic link
     * @return the absolute path that a write replaces: the target, or with {@link Symlinks#FOLLOW} the real path
     *     of the file its link leads to
     * @throws InvalidInputException when the target may not be written (see the class comment), naming it
     * @throws IOException when the folder does not exist or the target's attributes cannot be read
     */
    public static Path checkTarget(Path target, Symlinks symlinks) throws IOException {
        if (target == null) {
            throw new InvalidInputException("the path to write must not be null");
        }
        if (symlinks == null) {
            throw new InvalidInputException("symlinks must not be null");
        }
        if (target.toString().isEmpty()) {
            throw new InvalidInputException("the path to write is empty; expected the name of a file to create or "
                    + "replace");
        }
        Path absolute = target.toAbsolutePath();
        BasicFileAttributes attributes = attributesOrNull(absolute);
        if (attributes != null && attributes.isSymbolicLink()) {
            Path link = Files.readSymbolicLink(absolute);
            if (symlinks == Symlinks.REFUSE) {
                throw new InvalidInputException(absolute + " is a symbolic link (to " + link + "); a write does not "
                        + "follow links unless asked to, and would replace the link itself with a regular file");
            }
            try {
                absolute = absolute.toRealPath();
            } catch (NoSuchFileException e) {
                throw new InvalidInputException(absolute + " is a symbolic link to " + link + ", which does not "
                        + "exist; a write follows a link only to an existing regular file", e);
            }
            attributes = attributesOrNull(absolute);
            if (attributes == null) {
                throw new InvalidInputException(absolute + " (where the symbolic link " + target + " leads) "
                        + "does not exist; a write follows a link only to an existing regular file");
            }
        }
        if (attributes == null) {
            Path folder = absolute.getParent();
            if (folder == null || !Files.isDirectory(folder)) {
                throw new NoSuchFileException(String.valueOf(folder), null, "the folder to save into does not exist");
            }
            return absolute;
        }
        if (attributes.isDirectory()) {
            throw new InvalidInputException(absolute + " is a directory; expected the name of a file to create or "
                    + "replace");
        }
        if (!attributes.isRegularFile()) {
            throw new InvalidInputException(absolute + " is " + kind(absolute, attributes) + ", not a regular file; a "
                    + "write creates a new file or replaces a regular one, nothing else");
        }
        String readOnly = readOnly(absolute);
        if (readOnly != null) {
            throw new InvalidInputException(absolute + " is read-only (" + readOnly + "); a write does not replace "
                    + "a read-only file: make it writable or write elsewhere");
        }
        return absolute;
    }

    /**
     * What a file that is neither a regular file, a directory nor a symbolic link is, for messages.
     *
     * @param path the file
     * @param attributes its attributes, read without following links
     * @return "a FIFO", "a character device", "a block device", "a socket" or "a special file"
     */
    static String kind(Path path, BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer) {
                switch ((Integer) mode & TYPE_MASK) {
                    case FIFO:
                        return "a FIFO (named pipe)";
                    case CHARACTER_DEVICE:
                        return "a character device";
                    case BLOCK_DEVICE:
                        return "a block device";
                    case SOCKET:
                        return "a socket";
                    default:
                        break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No "unix" attribute view (Windows): the generic name will do.
        }
        return "a special file (a FIFO, socket or device)";
    }

    private static BasicFileAttributes attributesOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** @return why the regular file is read-only, or null when it is not */
    private static String readOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (!permissions.contains(PosixFilePermission.OWNER_WRITE)) {
                return "permissions " + PosixFilePermissions.toString(permissions) + ": its owner may not write it";
            }
        }
        if (!Files.isWritable(file)) {
            return "this process may not write it";
        }
        return null;
    }

    /**
     * Creates an empty temporary file with a short random name in the folder. It is created like any new file, so
     * it gets the default permissions of new files (the process's umask applies), not those of
     * {@link Files#createTempFile}, which are owner-only. The name is short so that a target whose own name is as
     * long as the file system allows can still be written; the file is created exclusively.
     */
    private static Path createTemporaryFile(Path folder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path candidate = folder.resolve(TEMPORARY_PREFIX + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + TEMPORARY_SUFFIX);
            try {
                Files.newByteChannel(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (FileAlreadyExistsException e) {
                if (attempt == MAX_NAME_ATTEMPTS) {
                    throw e;
                }
            } catch (AccessDeniedException e) {
                AccessDeniedException named = new AccessDeniedException(folder.toString(), null,
                        "this process may not create files in the folder to save into");
                named.initCause(e);
                throw named;
            }
        }
    }

    /**
     * Gives the temporary file the POSIX permissions of the file it is about to replace, so that a write keeps
     * them; nothing happens when there is no such file or the file system has no POSIX permissions.
     */
    private static void copyPermissions(Path target, Path temporary) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (NoSuchFileException e) {
            return;
        }
        Files.setPosixFilePermissions(temporary, permissions);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + to.getParent() + " cannot rename atomically, so " + to
                    + " cannot be replaced crash-safely", e);
        }
    }

    /** Makes the rename durable: on Linux a directory can be opened and forced; elsewhere this may not apply. */
    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a folder; the rename itself was atomic all the same.
        }
    }

    /** Hands the content writer a stream it cannot close (the file's channel is closed by the write). */
    private static final class NonClosingOutputStream extends FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
