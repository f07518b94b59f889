package dev.mmrag.adapt;

import dev.mmrag.api.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a small file crash-safely: a temporary file in the same folder, forced to disk, renamed over the target
 * atomically, and the folder forced too where the platform allows it.
 *
 * <p>Thread-safety: stateless; two writers of one target race, and the last rename wins.
 */
final class AtomicWrite {

    private AtomicWrite() {
    }

    static void write(Path file, byte[] bytes, String what) {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new StoreException("cannot write " + what + " " + file + ": folder " + folder + " does not exist");
        }
        Path temporary = null;
        try {
            temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StoreException("cannot write " + what + " " + file + ": the file system cannot rename "
                        + "atomically", e);
            }
            temporary = null;
            forceFolder(folder);
        } catch (IOException e) {
            throw new StoreException("cannot write " + what + " " + file + ": " + e, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the failure that got us here is the one to report
                }
            }
        }
    }

    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open a folder; the rename itself is still atomic.
        }
    }
}
