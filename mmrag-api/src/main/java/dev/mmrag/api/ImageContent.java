package dev.mmrag.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An image, held in memory, in a file, or at a URL, with its media type when known.
 *
 * <p>Nothing is read when an {@code ImageContent} is created: a file or URL is opened by whoever consumes the
 * image (an encoder, an augmenter that attaches it to a prompt), and a missing file is reported then, as an
 * {@link InvalidInputException} naming the file. Decoders must not trust {@link #mediaType()}: it is a hint,
 * and the format is detected from the bytes.
 *
 * <p>Only regular files are read (a symbolic link is followed to its target, which must be a regular file): a
 * directory, a FIFO, a device such as {@code /dev/zero} or a socket is refused before it is opened, so that an
 * endless or blocking source cannot hang or exhaust the reader. The same holds for {@code file:} URLs. Files and
 * URLs are read up to a byte limit ({@link #MAX_BYTES} by default, or the one given to
 * {@link #readAllBytes(long)}); a file whose size is over the limit is refused without being read.
 *
 * <p>This is a final class rather than a record because it holds a byte array, which a record would compare
 * by identity. Two image contents are equal when they have the same source (equal bytes, path or URL) and
 * media type.
 *
 * <p>Thread-safety: immutable (in-memory bytes are copied in and out).
 */
public final class ImageContent implements Content {

    /** Largest image, in bytes, that {@link #readAllBytes()} reads by default: 512 MiB. */
    public static final long MAX_BYTES = 512L * 1024 * 1024;

    /** How long opening an image URL may take before it fails: 10 s. */
    public static final int URL_CONNECT_TIMEOUT_MS = 10_000;
    /** How long reading from an image URL may stall before it fails: 30 s. */
    public static final int URL_READ_TIMEOUT_MS = 30_000;

    private static final Set<String> URL_SCHEMES = Set.of("http", "https", "file", "jar");

    private final byte[] bytes;
    private final Path path;
    private final URI url;
    private final String mediaType;

    private ImageContent(byte[] bytes, Path path, URI url, String mediaType) {
        this.bytes = bytes;
        this.path = path;
        this.url = url;
        this.mediaType = mediaType;
    }

    /**
     * An image held in memory.
     *
     * @param bytes the encoded image (JPEG, PNG, ...); copied; must not be empty
     * @param mediaType the media type, such as {@code image/png}, or null when unknown
     * @return the image content
     */
    public static ImageContent of(byte[] bytes, String mediaType) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidInputException("image bytes must not be null or empty");
        }
        return new ImageContent(bytes.clone(), null, null, checkMediaType(mediaType));
    }

    /**
     * An image in a file. The media type is guessed from the file name's extension (jpg, jpeg, png, gif, bmp,
     * webp), or unknown.
     *
     * @param path the file; it is not opened until the image is read
     * @return the image content
     */
    public static ImageContent of(Path path) {
        if (path == null) {
            throw new InvalidInputException("image path must not be null");
        }
        return new ImageContent(null, path, null, guessMediaType(path.getFileName() == null ? "" : path.getFileName().toString()));
    }

    /**
     * An image at a URL ({@code http}, {@code https}, {@code file} or {@code jar}).
     *
     * @param url the URL; it is not fetched until the image is read
     * @param mediaType the media type, or null to guess it from the URL's path
     * @return the image content
     */
    public static ImageContent of(URI url, String mediaType) {
        if (url == null) {
            throw new InvalidInputException("image URL must not be null");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!URL_SCHEMES.contains(scheme)) {
            throw new InvalidInputException("image URL " + url + " has scheme '" + scheme + "'; expected one of "
                    + URL_SCHEMES);
        }
        String type = mediaType != null ? checkMediaType(mediaType) : guessMediaType(String.valueOf(url.getSchemeSpecificPart()));
        return new ImageContent(null, null, url, type);
    }

    /**
     * Parses a reference as written by {@link #reference()}: a URL when it starts with a supported scheme
     * followed by {@code :}, a file path otherwise.
     *
     * @param reference a file path or URL
     * @return the image content
     */
    public static ImageContent fromReference(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new InvalidInputException("image reference must not be null or blank");
        }
        int colon = reference.indexOf(':');
        if (colon > 1 && URL_SCHEMES.contains(reference.substring(0, colon).toLowerCase(Locale.ROOT))) {
            try {
                return of(URI.create(reference), null);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("image reference '" + reference + "' is not a valid URL", e);
            }
        }
        return of(Path.of(reference));
    }

    @Override
    public Modality modality() {
        return Modality.IMAGE;
    }

    /** @return the file this image is read from, if it is a file image */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** @return the URL this image is read from, if it is a URL image */
    public Optional<URI> url() {
        return Optional.ofNullable(url);
    }

    /** @return whether the image is held in memory (neither a file nor a URL) */
    public boolean inMemory() {
        return bytes != null;
    }

    /** @return the declared or guessed media type, if known; a hint only */
    public Optional<String> mediaType() {
        return Optional.ofNullable(mediaType);
    }

    /**
     * @return the file path or URL as a string that {@link #fromReference(String)} reads back, or empty for an
     *     in-memory image
     */
    public Optional<String> reference() {
        if (path != null) {
            return Optional.of(path.toString());
        }
        return url != null ? Optional.of(url.toString()) : Optional.empty();
    }

    /**
     * Opens the image's bytes. A file (or {@code file:} URL) must be a regular file; a URL is opened with a connect
     * timeout of {@value #URL_CONNECT_TIMEOUT_MS} ms and a read timeout of {@value #URL_READ_TIMEOUT_MS} ms. The
     * stream is not limited: callers that read it whole bound what they read (as {@link #readAllBytes(long)} does).
     *
     * @return a stream the caller must close
     * @throws InvalidInputException when the file does not exist, is not a regular file or cannot be opened, naming
     *     it
     */
    public InputStream openStream() {
        if (bytes != null) {
            return new ByteArrayInputStream(bytes);
        }
        try {
            Path file = localFile();
            if (file != null) {
                checkRegularFile(file);
                return Files.newInputStream(file);
            }
            URLConnection connection = url.toURL().openConnection();
            connection.setConnectTimeout(URL_CONNECT_TIMEOUT_MS);
            connection.setReadTimeout(URL_READ_TIMEOUT_MS);
            return connection.getInputStream();
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(describe() + " does not exist", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("cannot read " + describe() + ": " + reason(e), e);
        }
    }

    /**
     * The size of a file image, from the file system, without reading it.
     *
     * @return the size in bytes of an in-memory image or a file (or {@code file:} URL), or empty for other URLs,
     *     whose size is known only once they are read
     * @throws InvalidInputException when the file does not exist or is not a regular file
     */
    public Optional<Long> size() {
        if (bytes != null) {
            return Optional.of((long) bytes.length);
        }
        Path file = localFile();
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(checkRegularFile(file).size());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(describe() + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + describe() + ": " + reason(e), e);
        }
    }

    /**
     * Reads the whole encoded image, up to {@link #MAX_BYTES}.
     *
     * @return the encoded bytes (a copy for in-memory images)
     * @throws InvalidInputException when the image cannot be read, is not a regular file or is larger than
     *     {@link #MAX_BYTES}
     */
    public byte[] readAllBytes() {
        return readAllBytes(MAX_BYTES);
    }

    /**
     * Reads the whole encoded image, refusing one over a byte limit: a file whose size is over it is refused
     * before it is read, and any other source is read no further than the limit.
     *
     * @param maxBytes the largest image accepted, in bytes; positive, at most {@code Integer.MAX_VALUE - 8}
     * @return the encoded bytes (a copy for in-memory images)
     * @throws InvalidInputException when the image cannot be read, is not a regular file, is empty or is larger
     *     than {@code maxBytes}
     */
    public byte[] readAllBytes(long maxBytes) {
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("the byte limit must be between 1 and " + (Integer.MAX_VALUE - 8)
                    + ", got " + maxBytes);
        }
        if (bytes != null) {
            if (bytes.length > maxBytes) {
                throw tooLarge(bytes.length + " bytes", maxBytes);
            }
            return bytes.clone();
        }
        Optional<Long> size = size();
        if (size.isPresent() && size.get() > maxBytes) {
            throw tooLarge(size.get() + " bytes", maxBytes);
        }
        try (InputStream in = openStream()) {
            byte[] data = in.readNBytes((int) maxBytes + 1);
            if (data.length > maxBytes) {
                throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
            }
            if (data.length == 0) {
                throw new InvalidInputException(describe() + " is empty");
            }
            return data;
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + describe() + ": " + reason(e), e);
        }
    }

    /**
     * @param size the image's size, for the message ("12 bytes", "more than 10 bytes")
     * @param maxBytes the limit
     * @return the exception saying the image is over the limit
     */
    public InvalidInputException tooLarge(String size, long maxBytes) {
        return new InvalidInputException(describe() + " is " + size + ", over the limit of " + maxBytes + " bytes");
    }

    /** @return the file a path image or a {@code file:} URL image reads, or null */
    private Path localFile() {
        if (path != null) {
            return path;
        }
        if (url != null && "file".equalsIgnoreCase(url.getScheme())) {
            try {
                return Path.of(url);
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                throw new InvalidInputException(describe() + " is not a valid file URL: " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** Follows symbolic links: the file they lead to must be a regular file. */
    private BasicFileAttributes checkRegularFile(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            String kind = attributes.isDirectory() ? "a directory" : "a FIFO, device or socket";
            throw new InvalidInputException(describe() + " is not a regular file (it is " + kind + ")");
        }
        return attributes;
    }

    /** @return an I/O failure's reason, without repeating the file name that the message already gives */
    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException) {
            java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public String describe() {
        if (path != null) {
            return "image file " + path;
        }
        if (url != null) {
            return "image URL " + url;
        }
        return "in-memory image (" + bytes.length + " bytes" + (mediaType == null ? "" : ", " + mediaType) + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ImageContent)) {
            return false;
        }
        ImageContent other = (ImageContent) o;
        return Arrays.equals(bytes, other.bytes) && Objects.equals(path, other.path) && Objects.equals(url, other.url)
                && Objects.equals(mediaType, other.mediaType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bytes), path, url, mediaType);
    }

    @Override
    public String toString() {
        return "ImageContent[" + describe() + "]";
    }

    private static String checkMediaType(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        if (!mediaType.toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw new InvalidInputException("media type '" + mediaType + "' is not an image type (image/...)");
        }
        return mediaType.toLowerCase(Locale.ROOT);
    }

    private static String guessMediaType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int query = lower.indexOf('?');
        if (query >= 0) {
            lower = lower.substring(0, query);
        }
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        if (lower.endsWith(".gif")) {
            return "image/gif";
        }
        if (lower.endsWith(".bmp")) {
            return "image/bmp";
        }
        if (lower.endsWith(".webp")) {
            return "image/webp";
        }
        return null;
    }
}
