package dev.mmrag.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the images of retrieved items may be read from before they are sent to a language model: folders (such as
 * the catalogue's) and URL prefixes that the application trusts.
 *
 * <p>An item's image reference comes from stored metadata ({@link Item#IMAGE_REF_KEY}), and a saved index is data,
 * not authority: whoever can write one can make it name {@code /home/user/secret.jpg} or
 * {@code http://127.0.0.1:8080/internal/...}. A generator that attaches item images reads them through
 * {@link #read(ImageContent, long)}, at the moment it sends them, so the check holds whatever the index says and
 * whatever changed on disk since indexing:
 * <ul>
 *   <li>a file must be, after resolving every symbolic link, a regular file inside one of the folders (also
 *       resolved), at most the size limit;
 *   <li>a URL must be {@code http} or {@code https} (never {@code file:} or {@code jar:}), without user
 *       information or encoded dots and slashes, and start with one of the prefixes (same scheme, host and port,
 *       and the prefix's path up to a {@code /}); it is fetched with a connect timeout of
 *       {@value ImageContent#URL_CONNECT_TIMEOUT_MS} ms, a read timeout of {@value ImageContent#URL_READ_TIMEOUT_MS} ms,
 *       at most {@value #MAX_FETCH_MILLIS} ms in all, at most the size limit, and a redirect is followed (at most
 *       {@value #MAX_REDIRECTS}) only to a URL that passes the same check;
 *   <li>an in-memory image is read as it is (the application made it).
 * </ul>
 * Nothing is trusted by default ({@link #none()}).
 *
 * <p>Thread-safety: immutable.
 *
 * @param folders trusted folders; copied; each is made absolute
 * @param urlPrefixes trusted URL prefixes ({@code http} or {@code https} with a host); copied
 */
public record TrustedImageSources(List<Path> folders, List<URI> urlPrefixes) {

    /** The most redirects followed for one image URL. */
    public static final int MAX_REDIRECTS = 3;
    /** The longest one image URL may take to fetch, redirects included: 60 s. */
    public static final long MAX_FETCH_MILLIS = 60_000;

    /** Validates and copies the fields. */
    public TrustedImageSources {
        if (folders == null || urlPrefixes == null) {
            throw new InvalidInputException("trusted folders and URL prefixes must not be null (use empty lists)");
        }
        List<Path> absolute = new ArrayList<>();
        for (Path folder : folders) {
            if (folder == null) {
                throw new InvalidInputException("trusted image folders " + folders + " hold null");
            }
            absolute.add(folder.toAbsolutePath().normalize());
        }
        folders = List.copyOf(absolute);
        for (URI prefix : urlPrefixes) {
            if (prefix == null) {
                throw new InvalidInputException("trusted image URL prefixes " + urlPrefixes + " hold null");
            }
            String problem = urlProblem(prefix);
            if (problem != null) {
                throw new InvalidInputException("trusted image URL prefix " + prefix + " cannot be used: " + problem);
            }
        }
        urlPrefixes = List.copyOf(urlPrefixes);
    }

    /** @return sources that trust no file and no URL: only in-memory images are read */
    public static TrustedImageSources none() {
        return new TrustedImageSources(List.of(), List.of());
    }

    /**
     * @param folders the trusted folders, such as the catalogue's
     * @return sources that trust the files inside these folders
     */
    public static TrustedImageSources ofFolders(Path... folders) {
        if (folders == null) {
            throw new InvalidInputException("trusted image folders must not be null");
        }
        return new TrustedImageSources(java.util.Arrays.asList(folders), List.of());
    }

    /**
     * @param prefix a trusted URL prefix, such as {@code https://cdn.shop.example/images/}
     * @return these sources with the prefix added
     */
    public TrustedImageSources withUrlPrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidInputException("trusted image URL prefix must not be null");
        }
        URI uri;
        try {
            uri = new URI(prefix);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("trusted image URL prefix '" + prefix + "' is not a valid URL", e);
        }
        List<URI> prefixes = new ArrayList<>(urlPrefixes);
        prefixes.add(uri);
        return new TrustedImageSources(folders, prefixes);
    }

    /**
     * Reads an image from a trusted source.
     *
     * @param image the image
     * @param maxBytes the largest image to read, in bytes
     * @return the image's encoded bytes
     * @throws InvalidInputException naming the image and why it is not read: not from a trusted source, missing,
     *     not a regular file, larger than {@code maxBytes}, or failing to download; never quoting its content
     */
    public byte[] read(ImageContent image, long maxBytes) {
        if (image == null) {
            throw new InvalidInputException("image must not be null");
        }
        if (maxBytes < 1) {
            throw new InvalidInputException("maxBytes is " + maxBytes + "; expected 1 or more");
        }
        if (image.inMemory()) {
            byte[] bytes = image.readAllBytes();
            checkSize(image, bytes.length, maxBytes);
            return bytes;
        }
        if (image.path().isPresent()) {
            return readFile(image, image.path().get(), maxBytes);
        }
        return readUrl(image, image.url().orElseThrow(), maxBytes);
    }

    private byte[] readFile(ImageContent image, Path path, long maxBytes) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(image.describe() + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + image.describe() + ": " + e.getClass().getSimpleName(), e);
        }
        if (!insideATrustedFolder(real)) {
            throw new InvalidInputException(image.describe() + (real.equals(path.toAbsolutePath().normalize()) ? ""
                    : " (really " + real + ")") + " is not inside a trusted image folder " + folders
                    + "; trust the catalogue's folder to attach its images");
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new InvalidInputException(image.describe() + " is not a regular file");
            }
            checkSize(image, attributes.size(), maxBytes);
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                return readLimited(image, in, maxBytes, Long.MAX_VALUE);
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + image.describe() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private boolean insideATrustedFolder(Path real) {
        for (Path folder : folders) {
            Path realFolder;
            try {
                realFolder = folder.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (real.startsWith(realFolder) && !real.equals(realFolder)) {
                return true;
            }
        }
        return false;
    }

    private byte[] readUrl(ImageContent image, URI url, long maxBytes) {
        long deadline = System.nanoTime() + MAX_FETCH_MILLIS * 1_000_000;
        URI current = url;
        for (int redirects = 0; ; redirects++) {
            checkTrustedUrl(image, current);
            HttpURLConnection connection = null;
            try {
                URLConnection opened = current.toURL().openConnection();
                if (!(opened instanceof HttpURLConnection)) {
                    throw new InvalidInputException(image.describe() + " is not an http or https URL");
                }
                connection = (HttpURLConnection) opened;
                connection.setInstanceFollowRedirects(false);
                connection.setConnectTimeout(ImageContent.URL_CONNECT_TIMEOUT_MS);
                connection.setReadTimeout(ImageContent.URL_READ_TIMEOUT_MS);
                int status = connection.getResponseCode();
                if (status >= 300 && status < 400) {
                    String location = connection.getHeaderField("Location");
                    if (location == null || redirects >= MAX_REDIRECTS) {
                        throw new InvalidInputException(image.describe() + " redirects "
                                + (location == null ? "without a location" : "more than " + MAX_REDIRECTS + " times"));
                    }
                    current = current.resolve(new URI(location));
                    continue;
                }
                if (status != 200) {
                    throw new InvalidInputException(image.describe() + " answered HTTP " + status + "; expected 200");
                }
                checkSize(image, connection.getContentLengthLong(), maxBytes);
                try (InputStream in = connection.getInputStream()) {
                    return readLimited(image, in, maxBytes, deadline);
                }
            } catch (URISyntaxException e) {
                throw new InvalidInputException(image.describe() + " redirects to an invalid URL", e);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidInputException("cannot download " + image.describe() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
        }
    }

    private void checkTrustedUrl(ImageContent image, URI url) {
        String problem = urlProblem(url);
        if (problem != null) {
            throw new InvalidInputException(image.describe() + (url.equals(image.url().orElse(null)) ? ""
                    : " (redirected to " + url + ")") + " cannot be fetched: " + problem);
        }
        for (URI prefix : urlPrefixes) {
            if (startsWith(url, prefix)) {
                return;
            }
        }
        throw new InvalidInputException(image.describe() + (url.equals(image.url().orElse(null)) ? ""
                : " (redirected to " + url + ")") + " cannot be fetched: it does not start with a trusted image URL prefix "
                + urlPrefixes);
    }

    /** @return what makes a URL unusable as a trusted source or prefix, or null */
    private static String urlProblem(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https URLs are fetched, not '" + scheme + "'";
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return "it has no host";
        }
        if (url.getRawUserInfo() != null) {
            return "it carries user information";
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath().toLowerCase(Locale.ROOT);
        if (path.contains("%2e") || path.contains("%2f") || path.contains("%5c") || path.contains("\\")) {
            return "its path has encoded dots, slashes or backslashes";
        }
        if (!url.normalize().getRawPath().equals(url.getRawPath()) || path.startsWith("/..")) {
            return "its path has . or .. segments";
        }
        return null;
    }

    private static boolean startsWith(URI url, URI prefix) {
        if (!url.getScheme().equalsIgnoreCase(prefix.getScheme()) || !url.getHost().equalsIgnoreCase(prefix.getHost())
                || port(url) != port(prefix)) {
            return false;
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String prefixPath = prefix.getRawPath() == null || prefix.getRawPath().isEmpty() ? "/" : prefix.getRawPath();
        if (!prefixPath.endsWith("/")) {
            prefixPath = prefixPath + "/";
        }
        return path.startsWith(prefixPath);
    }

    private static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static void checkSize(ImageContent image, long size, long maxBytes) {
        if (size > maxBytes) {
            throw new InvalidInputException(image.describe() + " is " + size + " bytes; the limit for images sent to a "
                    + "language model is " + maxBytes + " bytes");
        }
    }

    private static byte[] readLimited(ImageContent image, InputStream in, long maxBytes, long deadline)
            throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            if (total > maxBytes) {
                throw new InvalidInputException(image.describe() + " is larger than the limit for images sent to a "
                        + "language model, " + maxBytes + " bytes");
            }
            if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                throw new InvalidInputException(image.describe() + " took longer than " + MAX_FETCH_MILLIS
                        + " ms to download");
            }
            out.write(buffer, 0, n);
        }
        if (total == 0) {
            throw new InvalidInputException(image.describe() + " is empty");
        }
        return out.toByteArray();
    }
}
