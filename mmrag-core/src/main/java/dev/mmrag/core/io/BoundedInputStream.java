package dev.mmrag.core.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A view of the next {@code length} bytes of a stream: reads end there, so a reader given a part of a file (the
 * content of a {@link FramedFile}, a payload inside it) cannot read into what follows. Closing the view leaves the
 * underlying stream open: whoever opened it closes it.
 *
 * <p>Thread-safety: none; one reader at a time, as for any stream.
 */
public final class BoundedInputStream extends FilterInputStream {
    private long remaining;

    /**
     * @param in the underlying stream
     * @param length how many of its next bytes this view shows
     */
    public BoundedInputStream(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    /**
     * Skips what the reader left of the view (a reader such as Java serialization need not read to its end).
     *
     * @throws EOFException when the underlying stream ends first
     * @throws IOException when reading fails
     */
    public void skipRest() throws IOException {
        while (remaining > 0) {
            if (skip(remaining) <= 0 && read() < 0) {
                throw new EOFException("the stream ends " + remaining + " bytes early");
            }
        }
    }

    /** @return how many bytes of the view are left to read */
    public long remaining() {
        return remaining;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = super.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int n = super.read(buffer, offset, (int) Math.min(length, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(Math.max(n, 0), remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // The underlying stream is closed by whoever opened it.
    }
}
