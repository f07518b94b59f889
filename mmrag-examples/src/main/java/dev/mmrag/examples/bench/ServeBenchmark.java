package dev.mmrag.examples.bench;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.examples.Assets;
import dev.mmrag.examples.Catalog;
import dev.mmrag.examples.web.ServerOptions;
import dev.mmrag.examples.web.StyleFinderServer;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Style Finder's web server under load: photo searches ({@code POST /api/search}, a multipart photo, k = 12,
 * the offline template answer) from 1, 4, 16 and 64 concurrent clients, each level for a bounded time, and in the
 * same run the same searches through {@link MultimodalRag#ask(Query)} directly from as many threads (the baseline:
 * what the server adds is HTTP, multipart parsing, the upload checks, the bounded pool and JSON). The server runs
 * in this process with its defaults (searches at once = cores, queue = 8 per slot); everything is on 127.0.0.1.
 *
 * <p>A client that gets 503 waits its {@code Retry-After} (1 s) and goes on, as a polite client does; a 503 is the
 * designed answer to overload and is counted apart from other errors. A request is "lost" when it ends with no
 * HTTP status (an I/O error or a timeout); those are counted as errors too.
 *
 * <p>Usage: {@code ServeBenchmark [seconds-per-level] [soak-seconds]} (defaults 10 and 0). With a soak time, it
 * then runs 16 HTTP clients for that long and prints the heap after a full GC every tenth of it, to show whether
 * the heap stays flat (run it with {@code -Xmx512m}). Prints the configuration, a table (req/s, p50, p95, p99,
 * statuses, peak heap) and a last line {@code RESULT http_rps=.. direct_rps=.. http_overhead=.. p95_ms=..
 * errors_5xx=.. max_heap_mb=..}: the rates at 4 clients, their ratio, HTTP p95 at 64 clients, 5xx other than 503
 * plus lost requests over the whole run, and the peak heap used.
 *
 * <p>Thread-safety: a program; not for concurrent use.
 */
public final class ServeBenchmark {

    private static final int[] CLIENTS = {1, 4, 16, 64};
    private static final int K = 12;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final AtomicLong PEAK_HEAP = new AtomicLong();

    private ServeBenchmark() {
    }

    /**
     * @param args optional: seconds per level, soak seconds
     * @throws Exception when the server cannot start or the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int soakSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        List<byte[]> photos = queryPhotos();
        Catalog catalog = Catalog.load(Assets.styleCatalog());
        Thread sampler = heapSampler();
        try (ClipOnnxEncoder encoder = ClipOnnxEncoder.builder(Assets.miniClip()).build();
                HnswVectorStore store = HnswVectorStore.builder(encoder.dimension(), Metric.COSINE)
                        .initialCapacity(catalog.items().size()).build()) {
            MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store)
                    .generator(TemplateGenerator.create()).build();
            rag.index(catalog.items());
            ServerOptions options = ServerOptions.builder().port(0).build();
            try (StyleFinderServer server = StyleFinderServer.start(rag, catalog, options, line -> { })) {
                System.out.printf(Locale.ROOT, "ServeBenchmark: %d products, %d query photos (%.0f KB on average), k=%d, "
                        + "%d s per level; server: %d searches at once, queue %d, deadline %d s; Java %s, %d cores, "
                        + "max heap %d MB%n", catalog.items().size(), photos.size(),
                        photos.stream().mapToInt(p -> p.length).average().orElse(0) / 1024, K, seconds,
                        options.maxConcurrent(), options.queueCapacity(), options.deadline().toSeconds(),
                        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().maxMemory() >> 20);
                System.out.println("direct: MultimodalRag.ask(photo query) from N threads; http: POST /api/search "
                        + "(multipart photo) from N clients, each with its own connection");
                URI search = server.uri().resolve("/api/search");
                run("warm-up", 4, 3, () -> direct(rag, photos), () -> http(search, photos));
                System.out.printf(Locale.ROOT, "%-7s %7s %9s %8s %8s %8s %7s %6s %6s %9s%n", "clients", "mode",
                        "req/s", "p50 ms", "p95 ms", "p99 ms", "ok", "503", "other", "heap MB");
                Map<String, Level> at = new TreeMap<>();
                long errors5xx = 0;
                for (int clients : CLIENTS) {
                    Level direct = run("direct", clients, seconds, () -> direct(rag, photos), null);
                    Level http = run("http", clients, seconds, null, () -> http(search, photos));
                    print(direct);
                    print(http);
                    at.put("direct" + clients, direct);
                    at.put("http" + clients, http);
                    errors5xx += http.other5xxAndLost();
                }
                if (soakSeconds > 0) {
                    errors5xx += soak(search, photos, soakSeconds);
                }
                Level direct4 = at.get("direct4");
                Level http4 = at.get("http4");
                System.out.println("The machine is shared with other agents' builds and tests: compare the ratios, "
                        + "not the absolute figures.");
                System.out.printf(Locale.ROOT, "RESULT http_rps=%.1f direct_rps=%.1f http_overhead=%.2f p95_ms=%.1f "
                        + "errors_5xx=%d max_heap_mb=%d%n", http4.rps(), direct4.rps(), http4.rps() / direct4.rps(),
                        at.get("http64").percentile(95), errors5xx, PEAK_HEAP.get() >> 20);
            }
        } finally {
            sampler.interrupt();
        }
    }

    /** One kind of call: returns the HTTP status, or 200 for a direct call that succeeded. */
    private interface Call {
        int call(int client, long sequence) throws Exception;
    }

    private static Call direct(MultimodalRag rag, List<byte[]> photos) {
        return (client, sequence) -> {
            byte[] photo = photos.get((int) ((client * 31 + sequence) % photos.size()));
            rag.ask(Query.builder().image(ImageContent.of(photo, null)).topK(K).build());
            return 200;
        };
    }

    private static Call http(URI search, List<byte[]> photos) {
        Map<Integer, HttpClient> clients = new ConcurrentHashMap<>();
        List<byte[]> bodies = new ArrayList<>();
        String boundary = "----mmragbench";
        for (byte[] photo : photos) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\n" + K + "\r\n--"
                    + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"q.jpg\"\r\n"
                    + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(photo);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            bodies.add(body.toByteArray());
        }
        return (client, sequence) -> {
            HttpClient http = clients.computeIfAbsent(client, c -> HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());
            byte[] body = bodies.get((int) ((client * 31 + sequence) % bodies.size()));
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(search).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 503) {
                long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(wait * 1000);
            }
            return response.statusCode();
        };
    }

    private static Level run(String mode, int clients, int seconds, java.util.function.Supplier<Call> direct,
            java.util.function.Supplier<Call> http) throws InterruptedException {
        if (mode.equals("warm-up")) {
            run("direct", clients, seconds, direct, null);
            return run("http", clients, seconds, null, http);
        }
        Call call = (direct != null ? direct : http).get();
        Level level = new Level(mode, clients, seconds);
        long began = System.nanoTime();
        long end = began + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                try {
                    for (long sequence = 0; System.nanoTime() < end; sequence++) {
                        long start = System.nanoTime();
                        int status;
                        try {
                            status = call.call(client, sequence);
                        } catch (IOException e) {
                            status = -1; // lost: no HTTP status
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            status = -2; // a direct call that failed
                        }
                        level.record(status, System.nanoTime() - start);
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + c);
            thread.start();
        }
        done.await();
        level.elapsedNanos = System.nanoTime() - began;
        level.heapMb = PEAK_HEAP.get() >> 20;
        return level;
    }

    private static long soak(URI search, List<byte[]> photos, int seconds) throws InterruptedException {
        System.out.printf(Locale.ROOT, "soak: 16 HTTP clients for %d s; heap used after a full GC:%n", seconds);
        int slices = 10;
        long errors = 0;
        for (int i = 0; i < slices; i++) {
            Level slice = run("http", 16, Math.max(1, seconds / slices), null, () -> http(search, photos));
            errors += slice.other5xxAndLost();
            System.gc();
            Thread.sleep(200);
            System.out.printf(Locale.ROOT, "  after %4d s: %6.1f req/s, %d ok, %d x 503, %d other; heap after GC %d MB%n",
                    (i + 1) * Math.max(1, seconds / slices), slice.rps(), slice.ok.sum(), slice.busy.sum(),
                    slice.other.sum(), MEMORY.getHeapMemoryUsage().getUsed() >> 20);
        }
        return errors;
    }

    private static void print(Level level) {
        System.out.printf(Locale.ROOT, "%-7d %7s %9.1f %8.1f %8.1f %8.1f %7d %6d %6d %9d%n", level.clients, level.mode,
                level.rps(), level.percentile(50), level.percentile(95), level.percentile(99), level.ok.sum(),
                level.busy.sum(), level.other.sum(), level.heapMb);
        if (!level.statuses.isEmpty()) {
            System.out.println("        other statuses (-1 = lost, -2 = failed direct call): " + level.statuses);
        }
    }

    private static List<byte[]> queryPhotos() throws IOException {
        Path folder = Assets.styleQueries();
        List<byte[]> photos = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve("image-queries.jsonl"))) {
            int start = line.indexOf("\"image\": \"");
            if (start >= 0) {
                int from = start + "\"image\": \"".length();
                photos.add(Files.readAllBytes(folder.resolve(line.substring(from, line.indexOf('"', from)))));
            }
        }
        return photos;
    }

    private static Thread heapSampler() {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                PEAK_HEAP.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The figures of one level: statuses and the latencies of successful calls. */
    private static final class Level {
        final String mode;
        final int clients;
        final int seconds;
        final LongAdder ok = new LongAdder();
        final LongAdder busy = new LongAdder();
        final LongAdder other = new LongAdder();
        final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        private final List<Long> latencies = new ArrayList<>();
        long heapMb;
        long elapsedNanos;

        Level(String mode, int clients, int seconds) {
            this.mode = mode;
            this.clients = clients;
            this.seconds = seconds;
        }

        void record(int status, long nanos) {
            if (status == 200) {
                ok.increment();
                synchronized (latencies) {
                    latencies.add(nanos);
                }
            } else if (status == 503) {
                busy.increment();
            } else {
                other.increment();
                statuses.merge(status, 1L, Long::sum);
            }
        }

        double rps() {
            return ok.sum() / (elapsedNanos / 1e9);
        }

        double percentile(int p) {
            long[] sorted;
            synchronized (latencies) {
                sorted = latencies.stream().mapToLong(Long::longValue).toArray();
            }
            if (sorted.length == 0) {
                return Double.NaN;
            }
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        long other5xxAndLost() {
            return statuses.entrySet().stream().filter(e -> e.getKey() < 0 || (e.getKey() >= 500 && e.getKey() != 503))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }
}
