package dev.mmrag.examples;

import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.web.ServerOptions;
import dev.mmrag.examples.web.StyleFinderServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code serve} command of the Style Finder: its options, and running {@link StyleFinderServer} until the
 * process is stopped (Ctrl-C) or {@link #stop()} is called.
 *
 * <p>Thread-safety: {@link #stop()} may be called from any thread; the rest runs on the command's thread.
 */
final class ServeCommand {

    /** The options {@code serve} adds to the command line (all take a value). */
    static final Set<String> OPTIONS = Set.of("port", "host", "max-upload-mb", "max-concurrent", "queue",
            "deadline-seconds");

    /** The usage lines of {@code serve}. */
    static final String USAGE_LINE = String.join("\n",
            "  style-finder serve [--port 8080] [--host 127.0.0.1] [--index FILE | --videos DIR]",
            "                     [--llm ... as for find] [--adapter FILE] [--no-keywords] [--fusion SPEC]",
            "                     [--max-upload-mb 20] [--max-concurrent CORES] [--queue 8xCORES]",
            "                     [--deadline-seconds 30] [common options]");

    /** The help text of {@code serve}. */
    static final String HELP = String.join("\n",
            "  serve   Index the catalogue (or load --index FILE) once and serve the Style Finder's web page and",
            "          JSON API (POST /api/search, POST /api/search/stream, GET /api/products/ID/image,",
            "          GET /health) until stopped with Ctrl-C. Binds to 127.0.0.1 unless --host says otherwise.",
            "          --videos DIR also indexes the videos of DIR (as find --videos: an in-memory exact store, vector",
            "          search only, no --index or --adapter); a video hit shows its moments, served by",
            "          GET /api/videos/ID (Range requests for seeking) and GET /api/videos/ID/moments/N/keyframe.");

    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param line the command line
     * @return the server options it asks for
     */
    static ServerOptions options(CommandLine line) {
        int port = line.integer("port", ServerOptions.DEFAULT_PORT, 0);
        if (port > 65535) {
            throw new CommandLine.UsageException("option --port is " + port + "; expected 0 to 65535");
        }
        int uploadMb = line.integer("max-upload-mb", (int) (ServerOptions.DEFAULT_MAX_UPLOAD_BYTES >> 20), 1);
        if (uploadMb > 1024) {
            throw new CommandLine.UsageException("option --max-upload-mb is " + uploadMb + "; expected at most 1024");
        }
        ServerOptions.Builder options = ServerOptions.builder().port(port).maxUploadBytes((long) uploadMb << 20)
                .deadline(Duration.ofSeconds(line.integer("deadline-seconds",
                        (int) ServerOptions.DEFAULT_DEADLINE.toSeconds(), 1)));
        if (line.get("host") != null) {
            options.host(line.get("host"));
        }
        if (line.get("max-concurrent") != null) {
            options.maxConcurrent(line.integer("max-concurrent", 1, 1));
        }
        if (line.get("queue") != null) {
            options.queueCapacity(line.integer("queue", 0, 0));
        }
        return options.build();
    }

    /**
     * Serves until the process is stopped or {@link #stop()} is called.
     *
     * @param rag the ready pipeline
     * @param catalog the catalogue whose photos are served
     * @param videos the indexed video items whose files and keyframes are served (empty: none)
     * @param options where to listen
     * @param out where the address is printed
     * @param err where the request log goes
     * @return 0
     */
    int serve(MultimodalRag rag, Catalog catalog, java.util.List<dev.mmrag.api.Item> videos, ServerOptions options,
            PrintStream out, PrintStream err) {
        try (StyleFinderServer server = StyleFinderServer.start(rag, catalog, videos, options,
                line -> err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line))) {
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "style-finder-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            if (!isLoopback(options.host())) {
                err.println("warning: listening on " + options.host() + ": other machines can reach this server");
            }
            out.println("Serving the Style Finder for " + catalog.items().size() + " products"
                    + (videos.isEmpty() ? "" : " and " + videos.size() + (videos.size() == 1 ? " video" : " videos")) + " at " + server.uri()
                    + " (Ctrl-C to stop)");
            out.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the process is shutting down: the hook runs or ran
            }
            return 0;
        }
    }

    /** Makes {@link #serve} return (the server is closed on its way out). */
    void stop() {
        stopped.countDown();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
