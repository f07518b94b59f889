package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.StoreException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder's checks and the connection failures a store reports, without Elasticsearch: settings are checked
 * before connecting, a closed port and a server that never answers become {@link StoreException}s naming the host,
 * reads are retried as configured, and secrets never appear in messages or {@code toString()}.
 */
class ElasticsearchVectorStoreBuilderTest {

    @Test
    void indexNamesElasticsearchRefusesAreRejectedByName() {
        for (String name : List.of("Products", "my index", "-x", "_x", "+x", "a/b", "a*", "a,b", "a#b", "")) {
            assertThatThrownBy(() -> ElasticsearchVectorStore.builder(name, 8))
                    .as("index name '%s'", name).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("'" + name + "'");
        }
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder("a".repeat(256), 8))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void dimensionsOutsideWhatDenseVectorHoldsAreRejected() {
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder("x", 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension is 0");
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder("x", 4097)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("4096");
    }

    @Test
    void hostUrlsAreChecked() {
        assertThatThrownBy(() -> builder().hosts("ftp://localhost:9200").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("scheme 'ftp'");
        assertThatThrownBy(() -> builder().hosts("http://localhost:9200/es").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> builder().hosts("not a url").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'not a url'");
        assertThatThrownBy(() -> builder().hosts().build()).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void credentialsInAHostUrlAreRejectedWithoutRepeatingThem() {
        assertThatThrownBy(() -> builder().hosts("http://elastic:s3cret-pw@localhost:9200").build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("basicAuth").hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void apiKeyAndBasicAuthExcludeEachOther() {
        assertThatThrownBy(() -> builder().apiKey("a2V5").basicAuth("u", "p").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("choose one");
    }

    @Test
    void theCaCertificateMustBeAReadablePemFileForHttpsHosts(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> builder().hosts("https://localhost:9200").caCertificate(missing).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(missing.toString());
        Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
        assertThatThrownBy(() -> builder().hosts("https://localhost:9200").caCertificate(garbage).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("PEM");
        assertThatThrownBy(() -> builder().hosts("http://localhost:9200").caCertificate(garbage).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no host uses https");
    }

    @Test
    void numericSettingsAreChecked() {
        assertThatThrownBy(() -> builder().m(1)).isInstanceOf(InvalidInputException.class).hasMessageContaining("m is 1");
        assertThatThrownBy(() -> builder().numCandidates(10_001)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder().bulkBatchSize(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder().replicas(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder().socketTimeout(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void toStringHidesTheApiKeyAndThePassword() {
        assertThat(builder().apiKey("c2VjcmV0LWtleQ==").toString()).doesNotContain("c2VjcmV0LWtleQ")
                .contains("api key (hidden)");
        assertThat(builder().basicAuth("elastic", "pass-w0rd").toString()).doesNotContain("pass-w0rd")
                .contains("user elastic");
    }

    @Test
    void aClosedPortIsAStoreExceptionNamingTheHost() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        assertThatThrownBy(() -> builder().hosts(url).apiKey("dG9wLXNlY3JldA==").readRetries(0).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(url).hasMessageContaining("ConnectException")
                .hasMessageNotContaining("dG9wLXNlY3JldA");
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndReadsAreRetriedAsConfigured() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            AtomicInteger connections = new AtomicInteger();
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                        connections.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            assertThatThrownBy(() -> builder().hosts(url).socketTimeout(Duration.ofMillis(300)).readRetries(2).build())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(url).hasMessageContaining("after 3 attempts")
                    .hasMessageContaining("SocketTimeoutException");
            assertThat(connections.get()).as("requests the server received").isEqualTo(3);
            silent.close();
            acceptor.join();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    private static ElasticsearchVectorStore.Builder builder() {
        return ElasticsearchVectorStore.builder("products", 8);
    }
}
