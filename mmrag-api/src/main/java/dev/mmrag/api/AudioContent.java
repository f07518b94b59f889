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
 * An audio recording in a file or at a URL (a podcast, a support call, a voice question). Nothing is read when an
 * {@code AudioContent} is made; a {@link Segmenter} reads it as a stream and a {@link Transcriber} turns its speech
 * into time-coded text. Its format is told from its bytes ({@link #detectFormat()}), never from its name.
 *
 * <p>Thread-safety: immutable.
 *
 * @param path the audio file, or null for a URL recording
 * @param url the audio URL ({@code http}, {@code https} or {@code file}), or null for a file recording; a
 *     {@code file} URL is refused by decoders that allow only http(s) (mmrag-ffmpeg's, by default)
 */
public record AudioContent(Path path, URI url) implements Content {

    private static final Set<String> URL_SCHEMES = Set.of("http", "https", "file");

    /** Validates the fields: exactly one of path and URL. */
    public AudioContent {
        if ((path == null) == (url == null)) {
            throw new InvalidInputException("an audio content needs exactly one of a path and a URL (got path="
                    + path + ", url=" + url + ")");
        }
        if (url != null) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!URL_SCHEMES.contains(scheme)) {
                throw new InvalidInputException("audio URL " + url + " has scheme '" + scheme + "'; expected one of "
                        + URL_SCHEMES);
            }
        }
    }

    /**
     * @param path a audio file; not opened until the audio is read
     * @return the audio content
     */
    public static AudioContent of(Path path) {
        if (path == null) {
            throw new InvalidInputException("audio path must not be null");
        }
        return new AudioContent(path, null);
    }

    /**
     * @param url a audio URL; not fetched until the audio is read
     * @return the audio content
     */
    public static AudioContent of(URI url) {
        if (url == null) {
            throw new InvalidInputException("audio URL must not be null");
        }
        return new AudioContent(null, url);
    }

    @Override
    public Modality modality() {
        return Modality.AUDIO;
    }

    @Override
    public String describe() {
        return path != null ? "audio " + path : "audio " + url;
    }

    /** @return the path when a file recording, or the URL, as one string (what {@link #fromReference} reads) */
    public String reference() {
        return path != null ? path.toAbsolutePath().normalize().toString() : url.toString();
    }

    /**
     * @param reference a file path, or a URL starting with {@code http:}, {@code https:} or {@code file:}
     * @return the audio content it names
     */
    public static AudioContent fromReference(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new InvalidInputException("audio reference must not be null or blank");
        }
        int colon = reference.indexOf(':');
        if (colon > 1 && URL_SCHEMES.contains(reference.substring(0, colon).toLowerCase(Locale.ROOT))) {
            try {
                return of(URI.create(reference));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("audio reference '" + reference + "' is not a valid URL", e);
            }
        }
        return of(Path.of(reference));
    }

    /**
     * Reads the first bytes of a file audio and tells its container format. A URL audio is not opened here: its
     * format is empty, and the decoder checks it.
     *
     * @return the format, or empty when the bytes start no known audio container (or the audio is at a URL)
     * @throws InvalidInputException when the file does not exist or cannot be read
     */
    public Optional<AudioFormat> detectFormat() {
        if (path == null) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(path)) {
            return AudioFormat.detect(in.readNBytes(AudioFormat.SIGNATURE_BYTES));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("audio file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("audio file " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @return the media type told from the bytes ({@code audio/flac}, ...), or empty when unknown
     * @throws InvalidInputException when the file does not exist or cannot be read
     */
    public Optional<String> mediaType() {
        return detectFormat().map(AudioFormat::mediaType);
    }
}
