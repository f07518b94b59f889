package dev.mmrag.store.elasticsearch;

import dev.mmrag.test.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of real Elasticsearch nodes that a test starts and stops itself, with {@code scripts/elasticsearch.sh}
 * (the script developers and CI use), for tests that need more than the shared test node: several nodes, or
 * security turned on.
 */
final class ScriptedCluster implements AutoCloseable {

    private final String name;
    private final int httpPort;
    private final Map<String, String> environment;

    private ScriptedCluster(String name, int httpPort, Map<String, String> environment) {
        this.name = name;
        this.httpPort = httpPort;
        this.environment = environment;
    }

    /**
     * Starts a fresh cluster and waits until it is healthy.
     *
     * @param name the cluster name
     * @param nodes how many nodes
     * @param httpPort the HTTP port of node 1 (node i has {@code httpPort + i - 1})
     * @param transportPort the transport port of node 1
     * @param environment extra environment for the script
     * @param options extra options of {@code start}, such as {@code --security}
     * @return the running cluster; close it to stop it
     */
    static ScriptedCluster start(String name, int nodes, int httpPort, int transportPort,
            Map<String, String> environment, String... options) {
        ScriptedCluster cluster = new ScriptedCluster(name, httpPort, environment);
        List<String> arguments = new ArrayList<>(List.of("start", "--nodes", Integer.toString(nodes),
                "--http-port", Integer.toString(httpPort), "--transport-port", Integer.toString(transportPort),
                "--heap", "384m"));
        arguments.addAll(List.of(options));
        cluster.run(arguments);
        return cluster;
    }

    /**
     * @param node the node number, from 1
     * @return the node's URL
     */
    String url(int node) {
        return "http://127.0.0.1:" + (httpPort + node - 1);
    }

    /** @return the cluster's folder, where {@code --security} puts {@code http_ca.crt} */
    Path directory() {
        return Path.of(run(List.of("dir")).trim());
    }

    /**
     * Kills a node with SIGKILL, as a crash would.
     *
     * @param node the node number, from 1
     */
    void kill(int node) {
        run(List.of("kill", "--node", Integer.toString(node)));
    }

    /** Stops every node that still runs. */
    @Override
    public void close() {
        run(List.of("stop"));
    }

    private String run(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("bash",
                TestData.repoRoot().resolve("scripts/elasticsearch.sh").toString()));
        command.addAll(arguments);
        command.addAll(List.of("--name", name));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("scripts/elasticsearch.sh " + arguments + " failed (its messages are"
                        + " in the test output above)");
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/elasticsearch.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scripts/elasticsearch.sh", e);
        }
    }
}
