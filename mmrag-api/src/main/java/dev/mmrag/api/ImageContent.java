package dev.mmrag.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * <p>This is a final class rather than a record because it holds a byte array, which a record would compare
 * by identity. Two image contents are equal when they have the same source (equal bytes, path or URL) and
 * media type.
 *
 * <p>Thread-safety: immutable (in-memory bytes are copied in and out).
 */
public final class ImageContent implements Content {

    /** Largest image, in bytes, that {@link #readAllBytes()} reads: 512 MiB. */
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
     * Opens the image's bytes. A URL is opened with a connect timeout of {@value #URL_CONNECT_TIMEOUT_MS} ms and a read
     * timeout of {@value #URL_READ_TIMEOUT_MS} ms.
     *
     * @return a stream the caller must close
     * @throws InvalidInputException when the file does not exist or cannot be opened, naming it
     */
    public InputStream openStream() {
        if (bytes != null) {
            return new ByteArrayInputStream(bytes);
        }
        try {
            if (path != null) {
                return Files.newInputStream(path);
            }
            URLConnection connection = url.toURL().openConnection();
            connection.setConnectTimeout(URL_CONNECT_TIMEOUT_MS);
            connection.setReadTimeout(URL_READ_TIMEOUT_MS);
            return connection.getInputStream();
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(describe() + " does not exist", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("cannot read " + describe() + ": " + e, e);
        }
    }

    /**
     * Reads the whole encoded image.
     *
     * @return the encoded bytes (a copy for in-memory images)
     * @throws InvalidInputException when the image cannot be read or is larger than {@link #MAX_BYTES}
     */
    public byte[] readAllBytes() {
        if (bytes != null) {
            return bytes.clone();
        }
        try (InputStream in = openStream()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BYTES + 1));
            if (data.length > MAX_BYTES) {
                throw new InvalidInputException(describe() + " is larger than the limit of " + MAX_BYTES + " bytes");
            }
            if (data.length == 0) {
                throw new InvalidInputException(describe() + " is empty");
            }
            return data;
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + describe() + ": " + e, e);
        }
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
