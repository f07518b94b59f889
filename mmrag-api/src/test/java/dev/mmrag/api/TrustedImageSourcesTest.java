package dev.mmrag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrustedImageSources}: files only inside trusted folders (links resolved), URLs only under trusted prefixes,
 * fetched from a local JDK HTTP server (127.0.0.1) that serves image bytes, redirects and oversized bodies.
 */
class TrustedImageSourcesTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};

    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/images/redirect-out")) {
                exchange.getResponseHeaders().add("Location", "http://localhost:" + port() + "/images/a.png");
                exchange.sendResponseHeaders(302, -1);
            } else if (path.startsWith("/images/redirect-in")) {
                exchange.getResponseHeaders().add("Location", "/images/a.png");
                exchange.sendResponseHeaders(301, -1);
            } else if (path.startsWith("/images/redirect-private")) {
                exchange.getResponseHeaders().add("Location", "/private/key.png");
                exchange.sendResponseHeaders(302, -1);
            } else if (path.startsWith("/images/big")) {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(new byte[100_000]);
            } else {
                exchange.sendResponseHeaders(200, PNG.length);
                exchange.getResponseBody().write(PNG);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private String base() {
        return "http://127.0.0.1:" + port();
    }

    private TrustedImageSources trustingImages() {
        return TrustedImageSources.none().withUrlPrefix(base() + "/images/");
    }

    @Test
    void aFileInsideATrustedFolderIsReadAndOneOutsideOrBehindALinkIsNot(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("catalogue/images"));
        Path good = Files.write(folder.resolve("a.png"), PNG);
        Path secret = Files.write(dir.resolve("secret.png"), PNG);
        Path link = Files.createSymbolicLink(folder.resolve("evil.png"), secret);
        Path dirLink = Files.createSymbolicLink(folder.resolve("up"), dir);
        TrustedImageSources trusted = TrustedImageSources.ofFolders(dir.resolve("catalogue"));

        assertThat(trusted.read(ImageContent.of(good), 1000)).isEqualTo(PNG);
        for (Path bad : List.of(secret, link, dirLink.resolve("secret.png"), folder.resolve("../../secret.png"))) {
            assertThatThrownBy(() -> trusted.read(ImageContent.of(bad), 1000)).as(bad.toString())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("not inside a trusted image folder");
        }
        assertThatThrownBy(() -> trusted.read(ImageContent.of(folder), 1000)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> trusted.read(ImageContent.of(good), 5)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is " + PNG.length + " bytes");
        assertThatThrownBy(() -> TrustedImageSources.none().read(ImageContent.of(good), 1000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not inside a trusted image folder []");
    }

    @Test
    void aUrlUnderATrustedPrefixIsFetchedAndOthersAreNotEvenRequested() {
        assertThat(trustingImages().read(ImageContent.of(URI.create(base() + "/images/a.png"), null), 1000)).isEqualTo(PNG);
        assertThat(hits).hasValue(1);

        for (String bad : List.of(base() + "/private/key.png", base() + "/imagesX/a.png", base() + "/images/../private/k.png",
                base() + "/images/%2e%2e/private/k.png", "http://localhost:" + port() + "/images/a.png",
                "https://127.0.0.1:" + port() + "/images/a.png", "http://user@127.0.0.1:" + port() + "/images/a.png")) {
            assertThatThrownBy(() -> trustingImages().read(ImageContent.of(URI.create(bad), null), 1000)).as(bad)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("cannot be fetched: ")
                    .satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("does not start with a trusted"),
                            e -> assertThat(e).hasMessageContaining("segments"),
                            e -> assertThat(e).hasMessageContaining("encoded dots"),
                            e -> assertThat(e).hasMessageContaining("user information"));
        }
        assertThatThrownBy(() -> trustingImages().read(ImageContent.of(URI.create("file:///etc/passwd"), null), 1000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("only http and https URLs are fetched");
        assertThat(hits).as("no refused URL was requested").hasValue(1);
    }

    @Test
    void redirectsAreFollowedOnlyToTrustedUrlsAndBodiesAreCappedAtTheLimit() {
        assertThat(trustingImages().read(ImageContent.of(URI.create(base() + "/images/redirect-in"), null), 1000))
                .isEqualTo(PNG);
        assertThatThrownBy(() -> trustingImages().read(ImageContent.of(URI.create(base() + "/images/redirect-out"), null),
                1000)).isInstanceOf(InvalidInputException.class).hasMessageContaining("redirected to http://localhost:");
        assertThatThrownBy(() -> trustingImages().read(
                ImageContent.of(URI.create(base() + "/images/redirect-private"), null), 1000))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/private/key.png");
        assertThatThrownBy(() -> trustingImages().read(ImageContent.of(URI.create(base() + "/images/big.png"), null),
                50_000)).isInstanceOf(InvalidInputException.class).hasMessageContaining("larger than the limit")
                .hasMessageContaining("50000 bytes");
    }

    @Test
    void aPrefixMustBeAnHttpUrlWithAHost() {
        for (String bad : List.of("file:///srv/images/", "ftp://cdn.example/", "/images/", "http:///images/")) {
            assertThatThrownBy(() -> TrustedImageSources.none().withUrlPrefix(bad)).as(bad)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("trusted image URL prefix");
        }
    }
}
