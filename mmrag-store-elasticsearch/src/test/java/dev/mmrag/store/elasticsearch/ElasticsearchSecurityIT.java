package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.mmrag.api.Filter;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection settings against a real Elasticsearch node with security on: TLS on HTTP with a CA made for the test
 * cluster, and a file-realm superuser, both set up by {@code scripts/elasticsearch.sh start --security}, which must
 * keep the superuser's password off every command line it runs (any user can read command lines with {@code ps}).
 *
 * <p>Limitation: the integ-test-zip distribution lacks the {@code analysis-common} module that Elasticsearch's
 * {@code .security} index needs, so no API key can be created on this node. The API-key test therefore checks the
 * other half: that the store sends the key in Elasticsearch's {@code ApiKey} scheme (the node decodes its id and
 * looks it up), and that the secret appears in no message or log.
 */
class ElasticsearchSecurityIT {

    private static final int DIM = 8;
    private static final String USER = "mmrag-admin";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    private static ScriptedCluster cluster;
    private static Path ca;
    /** Holds stand-ins for curl and java that note each command line in {@link #commandLog}. */
    private static Path commands;
    private static Path commandLog;

    @BeforeAll
    static void startSecureNode() throws IOException {
        commands = recordingCommands();
        cluster = ScriptedCluster.start("mmrag-it-secure", 1, 19281, 19381, Map.of("MMRAG_ES_PASSWORD", PASSWORD,
                "PATH", commands.resolve("bin") + File.pathSeparator + System.getenv("PATH"),
                "ES_JAVA_HOME", commands.toString()), "--security");
        ca = cluster.directory().resolve("http_ca.crt");
    }

    @AfterAll
    static void stopSecureNode() throws IOException {
        try {
            cluster.close();
        } finally {
            try (Stream<Path> files = Files.walk(commands)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * Makes stand-ins for curl (found on the PATH) and java (the JDK's, found as ES_JAVA_HOME) that append their
     * command line to {@link #commandLog} and run the real program. The script's health checks go through curl, and
     * Elasticsearch's tools, such as {@code elasticsearch-users}, through java. The node runs as another user when the
     * tests run as root, so the folder is readable and the log writable by all.
     */
    private static Path recordingCommands() throws IOException {
        Path folder = Files.createTempDirectory("mmrag-es-commands");
        Path bin = Files.createDirectory(folder.resolve("bin"));
        commandLog = Files.createFile(folder.resolve("commands.log"));
        Path curl = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, "curl"))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("curl is not on the PATH; --security needs it"));
        recordingStandIn(bin.resolve("curl"), curl);
        recordingStandIn(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(commandLog, PosixFilePermissions.fromString("rw-rw-rw-"));
        return folder;
    }

    private static void recordingStandIn(Path standIn, Path program) throws IOException {
        Files.writeString(standIn, "#!/bin/bash\nprintf '%s\\n' \"$0 $*\" >>'" + commandLog + "'\nexec '" + program
                + "' \"$@\"\n");
        Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theScriptPutsThePasswordOnNoCommandLine() throws IOException {
        List<String> commandLines = Files.readAllLines(commandLog);
        assertThat(commandLines).as("command lines of curl and java while the node started")
                .anyMatch(line -> line.contains("/bin/curl ") && line.contains("_cluster/health"))
                .anyMatch(line -> line.contains("/bin/java ") && line.contains("useradd " + USER))
                .noneMatch(line -> line.contains(PASSWORD));
    }

    private static String httpsUrl() {
        return cluster.url(1).replace("http://", "https://");
    }

    @Test
    void basicAuthOverTlsTrustingTheClusterCaWorks() {
        try (ElasticsearchVectorStore store = ElasticsearchVectorStore.builder(TestNode.uniqueIndex("secure"), DIM)
                .hosts(httpsUrl()).basicAuth(USER, PASSWORD).caCertificate(ca).replicas(0)
                .refreshPolicy(RefreshPolicy.IMMEDIATE).build()) {
            try {
                VectorRecord record = new VectorRecord("a", vector(1), Map.of("color", "red"));
                store.upsert(record);
                assertThat(store.get("a")).hasValue(record);
                assertThat(store.search(SearchRequest.builder(vector(1), 1).filter(Filter.eq("color", "red")).build()))
                        .extracting(SearchHit::id).containsExactly("a");
            } finally {
                store.deleteIndex();
            }
        }
    }

    @Test
    void aWrongPasswordIsAStoreExceptionThatDoesNotShowThePassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        List<String> logs = captureClientLogs(() -> assertThatThrownBy(() -> ElasticsearchVectorStore
                .builder(TestNode.uniqueIndex("secure"), DIM).hosts(httpsUrl()).basicAuth(USER, wrong)
                .caCertificate(ca).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("security_exception")
                .hasMessageContaining(httpsUrl())
                .hasMessageNotContaining(wrong).hasMessageNotContaining(base64(USER + ":" + wrong)));
        assertThat(logs).as("client log records").isNotEmpty()
                .noneMatch(line -> line.contains(wrong) || line.contains(base64(USER + ":" + wrong)));
    }

    @Test
    void anApiKeyIsSentInTheApiKeySchemeAndNeverShown() {
        String secret = "secret-" + UUID.randomUUID();
        String encoded = base64("mmrag-test-key-id:" + secret);
        List<String> logs = captureClientLogs(() -> assertThatThrownBy(() -> ElasticsearchVectorStore
                .builder(TestNode.uniqueIndex("secure"), DIM).hosts(httpsUrl()).apiKey(encoded).caCertificate(ca)
                .build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining(secret).hasMessageNotContaining(encoded)
                .satisfies(e -> assertThat(((ElasticsearchException) e.getCause()).error().metadata()
                        .get("additional_unsuccessful_credentials").toString())
                        .as("the node read the header as an API key and decoded its id")
                        .contains("apikey authentication for id mmrag-test-key-id")));
        assertThat(logs).isNotEmpty().noneMatch(line -> line.contains(secret) || line.contains(encoded));
    }

    @Test
    void withoutTheClusterCaTheCertificateIsNotTrusted() {
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder(TestNode.uniqueIndex("secure"), DIM)
                .hosts(httpsUrl()).basicAuth(USER, PASSWORD).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(httpsUrl())
                .hasMessageContaining("SSLHandshakeException")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void plainHttpToATlsPortFailsWithAStoreException() {
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder(TestNode.uniqueIndex("secure"), DIM)
                .hosts(cluster.url(1)).basicAuth(USER, PASSWORD).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(cluster.url(1))
                .hasMessageNotContaining(PASSWORD);
    }

    /**
     * Runs an action with the Elasticsearch clients' loggers (the REST client, its request tracer and the Java client)
     * at their most verbose, and returns what they logged.
     */
    private static List<String> captureClientLogs(Runnable action) {
        List<String> lines = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(record.getLoggerName() + " " + record.getMessage() + " " + record.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        List<Logger> loggers = new ArrayList<>();
        for (String name : List.of("org.elasticsearch.client", "tracer", "co.elastic.clients")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.ALL);
            logger.addHandler(handler);
            loggers.add(logger);
        }
        try {
            action.run();
        } finally {
            for (Logger logger : loggers) {
                logger.removeHandler(handler);
                logger.setLevel(null);
            }
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static float[] vector(long seed) {
        return TestVectors.uniform(1, DIM, seed).get(0);
    }
}
