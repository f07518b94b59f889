package dev.mmrag.examples.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mmrag.api.Answer;
import dev.mmrag.api.Content;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.GenerationException;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.ImageFormat;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.examples.Catalog;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The Style Finder on the web: a page where a shopper drops a photo (and/or types words) and sees the catalogue's
 * closest products, with the answer streamed above them, and the JSON API the page uses. It serves a ready
 * {@link MultimodalRag} (so whatever encoder, store, generator or adapter the caller built) on Javalin (Jetty).
 *
 * <p>Routes:
 * <ul>
 *   <li>{@code GET /}, {@code /app.js}, {@code /style.css}: the page, plain files from the jar.</li>
 *   <li>{@code POST /api/search}: multipart ({@code photo} file and/or {@code text}) or form fields; {@code k}
 *       (default {@value #DEFAULT_K}); filters {@code filter.KEY=value} (repeat for any of several values),
 *       {@code min.KEY=n} and {@code max.KEY=n} (numbers, inclusive), as form fields or query parameters;
 *       {@code answer=false} to skip generation. Replies {@code {"results": [...], "answer": {...}}}.</li>
 *   <li>{@code POST /api/search/stream} (same fields) and {@code GET /api/search/stream?text=...}: server-sent
 *       events: one {@code results} event (the products), {@code token} events (each a JSON string, a piece of
 *       the answer as the generator writes it), then {@code done} (the answer's generator, fallback flag and
 *       warnings) or {@code error} ({@code {"status", "error"}}). A request refused before the search starts is
 *       answered with its 4xx/5xx status and a JSON error, not a stream.</li>
 *   <li>{@code GET /api/products/{id}/image}: the photo of a catalogue product, looked up by id only.</li>
 *   <li>{@code GET /api/videos/{id}}: a served video's file (with {@code Range} requests answered 206, so that a
 *       browser can seek), and {@code GET /api/videos/{id}/moments/{n}/keyframe}: the keyframe JPEG of its
 *       {@code n}-th stored segment; both looked up by known id (and index) only. A video result carries
 *       {@code "moments"} (see {@link VideoFiles}).</li>
 *   <li>{@code GET /health}: {@code {"status": "ok", "products": n (items in the store), ...limits, the searches
 *       running and waiting}}.</li>
 * </ul>
 *
 * <p>Safety: uploads are limited in bytes ({@link ServerOptions#maxUploadBytes()}; larger requests are refused
 * from their Content-Length before they are read) and checked by {@link UploadCheck} (magic bytes, pixels from the
 * header) before decoding; multipart parts over 1 MiB are buffered in a private temporary folder (owner-only
 * permissions) that Jetty empties after each request and this server deletes on {@link #close()}. At most
 * {@link ServerOptions#maxConcurrent()} searches run at once and {@link ServerOptions#queueCapacity()} wait; beyond
 * that the answer is 503 with {@code Retry-After}. A search not finished by its deadline is answered 504. Every
 * error is a JSON {@code {"status", "error"}} with a message for people, never a stack trace. Every response carries
 * a strict Content-Security-Policy (scripts, styles and images from this server only, no inline script),
 * {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY} and {@code Referrer-Policy: no-referrer}.
 * Catalogue text is untrusted: the page inserts it as text, and a product's link is passed on only when it is an
 * absolute {@code http} or {@code https} URL. One line per request goes to the log: method, path, status and
 * milliseconds (no query string, no header, no body).
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} may be called from any thread, more than once.
 */
public final class StyleFinderServer implements AutoCloseable {

    /** The number of products a search returns when {@code k} is not given. */
    public static final int DEFAULT_K = 12;

    /** The Content-Security-Policy of every response. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob:; media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    private static final int IN_MEMORY_PART_BYTES = 1024 * 1024;
    private static final int MULTIPART_OVERHEAD_BYTES = 64 * 1024;
    private static final int RETRY_AFTER_SECONDS = 1;
    private static final String STATIC_ROOT = "/dev/mmrag/examples/web/static/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MultimodalRag rag;
    private final ServerOptions options;
    private final Consumer<String> log;
    private final Map<String, Path> productImages;
    private final VideoFiles videos;
    private final UploadCheck uploadCheck;
    private final ThreadPoolExecutor searches;
    private final Path tempFolder;
    private final Javalin app;
    private final AtomicInteger closed = new AtomicInteger();

    private StyleFinderServer(MultimodalRag rag, Catalog catalog, List<Item> videoItems, ServerOptions options,
            Consumer<String> log) throws IOException {
        this.rag = rag;
        this.options = options;
        this.log = log;
        this.productImages = productImages(catalog);
        this.videos = new VideoFiles(videoItems, rag.store(), log);
        this.uploadCheck = new UploadCheck(options.maxUploadBytes(), options.maxPixels());
        this.searches = new ThreadPoolExecutor(options.maxConcurrent(), options.maxConcurrent(), 0,
                TimeUnit.MILLISECONDS, options.queueCapacity() == 0 ? new SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(options.queueCapacity()), searchThreads(),
                new ThreadPoolExecutor.AbortPolicy());
        this.tempFolder = Files.createTempDirectory("style-finder-uploads-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Map<String, StaticFile> files = Map.of(
                "/", StaticFile.load("index.html", "text/html; charset=utf-8"),
                "/app.js", StaticFile.load("app.js", "text/javascript; charset=utf-8"),
                "/style.css", StaticFile.load("style.css", "text/css; charset=utf-8"));
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.disableCompression();
            config.http.maxRequestSize = options.maxUploadBytes() + MULTIPART_OVERHEAD_BYTES;
            config.jetty.multipartConfig.cacheDirectory(tempFolder.toString());
            config.jetty.multipartConfig.maxFileSize(options.maxUploadBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(IN_MEMORY_PART_BYTES, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(options.maxUploadBytes() + MULTIPART_OVERHEAD_BYTES,
                    SizeUnit.BYTES);
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            config.jetty.modifyServer(server -> server.setErrorHandler(quietErrors()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(quietErrors()));
            config.requestLogger.http((ctx, ms) -> log.accept(String.format(Locale.ROOT, "%s %s %d %.0f ms",
                    ctx.method(), printable(ctx.path()), ctx.statusCode(), ms)));
        });
        app.before(this::securityHeaders);
        files.forEach((path, file) -> app.get(path, ctx -> file.send(ctx)));
        app.get("/health", this::health);
        app.post("/api/search", this::search);
        app.post("/api/search/stream", this::stream);
        app.get("/api/search/stream", this::stream);
        app.get("/api/products/{id}/image", this::productImage);
        app.get("/api/videos/{id}", videos::sendVideo);
        app.get("/api/videos/{id}/moments/{n}/keyframe", videos::sendKeyframe);
        app.exception(WebError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "There is nothing at " + printable(ctx.path()) + ".";
            case 405 -> "This address does not take " + ctx.method() + " requests.";
            default -> "The request was refused (" + e.getStatus() + ").";
        }));
        app.exception(Exception.class, (e, ctx) -> {
            log.accept("error: " + ctx.method() + " " + printable(ctx.path()) + " failed: " + describe(e));
            error(ctx, 500, "Something went wrong on the server; the problem has been logged.");
        });
    }

    /**
     * Starts a server.
     *
     * @param rag the pipeline to serve, ready to answer (the catalogue indexed); shared, not closed by the server
     * @param catalog the catalogue whose product photos {@code /api/products/{id}/image} serves
     * @param options where to listen and what to accept
     * @param log receives one line per request (and one per internal error); called from many threads
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound or the temporary folder cannot be made
     */
    public static StyleFinderServer start(MultimodalRag rag, Catalog catalog, ServerOptions options,
            Consumer<String> log) {
        return start(rag, catalog, List.of(), options, log);
    }

    /**
     * Starts a server that also serves videos: a result that is one of {@code videos} lists its moments, each with
     * the URL of its keyframe ({@code /api/videos/{id}/moments/{n}/keyframe}) and of the video at the moment
     * ({@code /api/videos/{id}#t=START}); the files are served for these ids only.
     *
     * @param rag the pipeline to serve, ready to answer (the catalogue and the videos indexed in its store, which
     *        keeps the videos' segments); shared, not closed by the server
     * @param catalog the catalogue whose product photos {@code /api/products/{id}/image} serves
     * @param videos the indexed video items (each with a {@link dev.mmrag.api.VideoContent} file); copied
     * @param options where to listen and what to accept
     * @param log receives one line per request (and one per internal error); called from many threads
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound or the temporary folder cannot be made
     */
    public static StyleFinderServer start(MultimodalRag rag, Catalog catalog, List<Item> videos,
            ServerOptions options, Consumer<String> log) {
        Objects.requireNonNull(rag, "rag");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(videos, "videos");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(log, "log");
        StyleFinderServer server;
        try {
            server = new StyleFinderServer(rag, catalog, videos, options, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the server's temporary upload folder: " + e.getMessage(), e);
        }
        try {
            server.app.start(options.host(), options.port());
        } catch (RuntimeException e) {
            server.close();
            throw new UncheckedIOException(new IOException("cannot listen on " + options.host() + ":"
                    + options.port() + ": " + describe(e), e));
        }
        return server;
    }

    /** @return the port the server listens on */
    public int port() {
        return app.port();
    }

    /** @return the address of the page, such as {@code http://127.0.0.1:8080/} */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** @return the options the server runs with */
    public ServerOptions options() {
        return options;
    }

    /** @return the private folder where large uploads are buffered during a request (empty between requests) */
    public Path uploadFolder() {
        return tempFolder;
    }

    /** Stops listening, cancels running searches and deletes the temporary upload folder. */
    @Override
    public void close() {
        if (closed.getAndIncrement() > 0) {
            return;
        }
        try {
            app.stop();
        } finally {
            searches.shutdownNow();
            try {
                searches.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(tempFolder);
        }
    }

    // ---------------------------------------------------------------- routes

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/health")) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("products", rag.store().count());
        body.put("maxUploadBytes", options.maxUploadBytes());
        body.put("maxPixels", options.maxPixels());
        body.put("maxK", options.maxK());
        body.put("defaultK", Math.min(DEFAULT_K, options.maxK()));
        body.put("searchesRunning", searches.getActiveCount());
        body.put("searchesWaiting", searches.getQueue().size());
        json(ctx, 200, body);
    }

    private void search(Context ctx) {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        SearchForm form = SearchForm.read(ctx, options, uploadCheck);
        Future<Map<String, Object>> result = submit(deadline, () -> {
            List<Retrieved> found = rag.retrieve(form.query());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("results", results(found));
            if (form.answer()) {
                Prompt prompt = rag.augmenter().augment(form.query(), found);
                body.put("answer", answerJson(rag.generator().generate(prompt)));
            }
            return body;
        });
        json(ctx, 200, await(result, deadline, form));
    }

    private void stream(Context ctx) throws IOException {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        SearchForm form = SearchForm.read(ctx, options, uploadCheck);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Future<Object> work = submit(deadline, () -> {
            List<Retrieved> found = rag.retrieve(form.query());
            events.add(new Event("results", Map.of("results", results(found))));
            Prompt prompt = rag.augmenter().augment(form.query(), found);
            Answer answer = rag.generator().stream(prompt, piece -> events.add(new Event("token", piece)));
            events.add(new Event("done", answerJson(answer)));
            return null;
        });
        Event first = next(events, work, deadline, form);
        if (first.error() != null) {
            throw first.error(); // refused before anything was streamed: a plain status and JSON error
        }
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        try {
            for (Event event = first; ; event = next(events, work, deadline, form)) {
                if (event.error() != null) {
                    write(out, "error", Map.of("status", event.error().status(), "error", event.error().getMessage()));
                    return;
                }
                write(out, event.name(), event.data());
                if (event.name().equals("done")) {
                    return;
                }
            }
        } catch (IOException e) {
            work.cancel(true); // the client went away
        }
    }

    private void productImage(Context ctx) throws IOException {
        Path file = productImages.get(ctx.pathParam("id"));
        if (file == null) {
            throw new WebError(404, "There is no product with this id.");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            log.accept("error: the photo of a product cannot be read: " + describe(e));
            throw new WebError(404, "The photo of this product is missing.");
        }
        ImageFormat format = ImageFormat.detect(bytes)
                .orElseThrow(() -> new WebError(404, "The photo of this product is not an image."));
        ctx.status(200);
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(format.mediaType());
        ctx.result(bytes);
    }

    // ---------------------------------------------------------------- searches

    private <T> Future<T> submit(long deadline, Callable<T> work) {
        try {
            return searches.submit(() -> {
                if (System.nanoTime() > deadline) {
                    throw new WebError(503, "The server was too busy to start this search in time; try again.");
                }
                return work.call();
            });
        } catch (RejectedExecutionException e) {
            throw new WebError(503, "The Style Finder is busy with other searches; try again in a moment.");
        }
    }

    private <T> T await(Future<T> result, long deadline, SearchForm form) {
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw tooSlow();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new WebError(503, "The server is shutting down.");
        } catch (ExecutionException e) {
            throw translate(e.getCause(), form);
        }
    }

    private Event next(BlockingQueue<Event> events, Future<?> work, long deadline, SearchForm form) {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Event event = events.poll(Math.min(Math.max(0, left), TimeUnit.MILLISECONDS.toNanos(50)),
                        TimeUnit.NANOSECONDS);
                if (event != null) {
                    return event;
                }
                if (work.isDone() && events.isEmpty()) {
                    try {
                        work.get();
                        return new Event(null, null, new WebError(500, "The answer ended without a result."));
                    } catch (ExecutionException e) {
                        return new Event(null, null, translate(e.getCause(), form));
                    } catch (java.util.concurrent.CancellationException e) {
                        return new Event(null, null, new WebError(503, "The search was cancelled."));
                    }
                }
                if (deadline - System.nanoTime() <= 0) {
                    work.cancel(true);
                    return new Event(null, null, tooSlow());
                }
            }
        } catch (InterruptedException e) {
            work.cancel(true);
            Thread.currentThread().interrupt();
            return new Event(null, null, new WebError(503, "The server is shutting down."));
        }
    }

    private WebError tooSlow() {
        return new WebError(504, "The search took longer than " + options.deadline().toSeconds()
                + " s and was stopped; try again, or with a smaller photo.");
    }

    private WebError translate(Throwable cause, SearchForm form) {
        if (cause instanceof WebError) {
            return (WebError) cause;
        }
        if (cause instanceof InvalidInputException) {
            String message = cause.getMessage();
            ImageContent photo = form.query().image();
            if (photo != null) {
                message = message.replace(photo.describe(), "the photo");
            }
            if (!message.isEmpty()) {
                message = Character.toUpperCase(message.charAt(0)) + message.substring(1);
            }
            return new WebError(photo != null && message.startsWith("The photo") ? 422 : 400, message);
        }
        log.accept("error: a search failed: " + describe(cause));
        if (cause instanceof GenerationException) {
            return new WebError(502, "The language model could not answer; try again later.");
        }
        if (cause instanceof EncodingException) {
            return new WebError(503, "The server could not read this photo right now (it may be too large for the "
                    + "memory it has); try again, or with a smaller photo.");
        }
        if (cause instanceof MmragException) {
            return new WebError(500, "The search failed on the server; the problem has been logged.");
        }
        return new WebError(500, "Something went wrong on the server; the problem has been logged.");
    }

    // ---------------------------------------------------------------- JSON

    private List<Map<String, Object>> results(List<Retrieved> found) {
        List<Map<String, Object>> products = new java.util.ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            Retrieved retrieved = found.get(i);
            Map<String, Object> json = ProductJson.of(retrieved, i + 1, productImages.containsKey(retrieved.id()));
            if (videos.has(retrieved.id())) {
                json.put("moments", videos.moments(retrieved));
            }
            products.add(json);
        }
        return products;
    }

    private static Map<String, Object> answerJson(Answer answer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", answer.text());
        body.put("generator", answer.generator());
        body.put("fallback", answer.fallback());
        body.put("warnings", answer.warnings());
        return body;
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status);
            ctx.contentType("application/json; charset=utf-8");
            ctx.result(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void error(Context ctx, int status, String message) {
        if (status == 503) {
            ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        json(ctx, status, body);
    }

    private static void write(OutputStream out, String event, Object data) throws IOException {
        String text = "event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, Path> productImages(Catalog catalog) {
        Map<String, Path> images = new HashMap<>();
        for (Item item : catalog.items()) {
            for (Content content : item.contents()) {
                if (content instanceof ImageContent && ((ImageContent) content).path().isPresent()) {
                    images.putIfAbsent(item.id(), ((ImageContent) content).path().get());
                }
            }
        }
        return Map.copyOf(images);
    }

    private static java.util.concurrent.ThreadFactory searchThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "style-finder-search-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static ErrorHandler quietErrors() {
        ErrorHandler handler = new ErrorHandler();
        handler.setShowStacks(false);
        handler.setShowServlet(false);
        handler.setShowMessageInTitle(false);
        return handler;
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    /** A path or message made safe for a log line: at most 200 characters, control characters replaced. */
    static String printable(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + printable(e.getMessage()));
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: the folder is the operating system's temporary folder
                }
            });
        } catch (IOException e) {
            // best effort, as above
        }
    }

    /** One server-sent event, or the error that ends the stream. */
    private record Event(String name, Object data, WebError error) {
        Event(String name, Object data) {
            this(name, data, null);
        }
    }

    /** A file of the page, read from the jar once. */
    private record StaticFile(byte[] bytes, String contentType) {
        static StaticFile load(String name, String contentType) throws IOException {
            try (InputStream in = StyleFinderServer.class.getResourceAsStream(STATIC_ROOT + name)) {
                if (in == null) {
                    throw new IOException("the page's file " + name + " is missing from the jar");
                }
                return new StaticFile(in.readAllBytes(), contentType);
            }
        }

        void send(Context ctx) {
            ctx.status(200);
            ctx.contentType(contentType);
            ctx.header("Cache-Control", "no-cache");
            ctx.result(bytes);
        }
    }
}
