package dev.mmrag.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A video in a file or at a URL. Nothing is read when a {@code VideoContent} is made; a {@link Segmenter} reads
 * it as a stream. Its format is told from its bytes ({@link #detectFormat()}), never from its name.
 *
 * <p>Thread-safety: immutable.
 *
 * @param path the video file, or null for a URL video
 * @param url the video URL ({@code http}, {@code https} or {@code file}), or null for a file video
 */
public record VideoContent(Path path, URI url) implements Content {

    private static final Set<String> URL_SCHEMES = Set.of("http", "https", "file");

    /** Validates the fields: exactly one of path and URL. */
    public VideoContent {
        if ((path == null) == (url == null)) {
            throw new InvalidInputException("a video content needs exactly one of a path and a URL (got path="
                    + path + ", url=" + url + ")");
        }
        if (url != null) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!URL_SCHEMES.contains(scheme)) {
                throw new InvalidInputException("video URL " + url + " has scheme '" + scheme + "'; expected one of "
                        + URL_SCHEMES);
            }
        }
    }

    /**
     * @param path a video file; not opened until the video is read
     * @return the video content
     */
    public static VideoContent of(Path path) {
        if (path == null) {
            throw new InvalidInputException("video path must not be null");
        }
        return new VideoContent(path, null);
    }

    /**
     * @param url a video URL; not fetched until the video is read
     * @return the video content
     */
    public static VideoContent of(URI url) {
        if (url == null) {
            throw new InvalidInputException("video URL must not be null");
        }
        return new VideoContent(null, url);
    }

    @Override
    public Modality modality() {
        return Modality.VIDEO;
    }

    @Override
    public String describe() {
        return path != null ? "video " + path : "video " + url;
    }

    /** @return the path when a file video, or the URL, as one string (what {@link #fromReference} reads) */
    public String reference() {
        return path != null ? path.toAbsolutePath().normalize().toString() : url.toString();
    }

    /**
     * @param reference a file path, or a URL starting with {@code http:}, {@code https:} or {@code file:}
     * @return the video content it names
     */
    public static VideoContent fromReference(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new InvalidInputException("video reference must not be null or blank");
        }
        int colon = reference.indexOf(':');
        if (colon > 1 && URL_SCHEMES.contains(reference.substring(0, colon).toLowerCase(Locale.ROOT))) {
            try {
                return of(URI.create(reference));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("video reference '" + reference + "' is not a valid URL", e);
            }
        }
        return of(Path.of(reference));
    }

    /**
     * Reads the first bytes of a file video and tells its container format. A URL video is not opened here: its
     * format is empty, and the decoder checks it.
     *
     * @return the format, or empty when the bytes start no known video container (or the video is at a URL)
     * @throws InvalidInputException when the file does not exist or cannot be read
     */
    public Optional<VideoFormat> detectFormat() {
        if (path == null) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(path)) {
            return VideoFormat.detect(in.readNBytes(VideoFormat.SIGNATURE_BYTES));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("video file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("video file " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @return the media type told from the bytes ({@code video/mp4}, ...), or empty when unknown
     * @throws InvalidInputException when the file does not exist or cannot be read
     */
    public Optional<String> mediaType() {
        return detectFormat().map(VideoFormat::mediaType);
    }
}
