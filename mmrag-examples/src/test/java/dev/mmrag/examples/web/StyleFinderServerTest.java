package dev.mmrag.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.Answer;
import dev.mmrag.api.Generator;
import dev.mmrag.api.Prompt;
import dev.mmrag.core.TemplateGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Style Finder's web server over plain HTTP (the JDK's client): the JSON API, the event stream, the product
 * photos, and every limit the server promises (upload size, magic bytes, pixel limit, bounded concurrency with 503
 * and Retry-After, the deadline, no stack traces, the private temporary folder, one log line per request). It
 * serves the real mini-clip model and an HNSW index of the bundled catalogue plus one hostile product.
 */
class StyleFinderServerTest {

    private static WebFixture fixture;
    private StyleFinderServer server;
    private final List<StyleFinderServer> extra = new ArrayList<>();

    @BeforeAll
    static void index() {
        fixture = new WebFixture();
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    @BeforeEach
    void start() {
        fixture.log.clear();
        server = fixture.serve(TemplateGenerator.create(), WebFixture.options().build());
    }

    @AfterEach
    void stop() {
        server.close();
        extra.forEach(StyleFinderServer::close);
    }

    private URI at(String path) {
        return server.uri().resolve(path);
    }

    private StyleFinderServer serve(Generator generator, ServerOptions options) {
        StyleFinderServer started = fixture.serve(generator, options);
        extra.add(started);
        return started;
    }

    private static byte[] queryPhoto() throws IOException {
        return Files.readAllBytes(WebFixture.photo(WebFixture.labelledPhoto()));
    }

    @Test
    void pageAndHealthCarryTheSecurityHeadersAndThePageHasNoInlineScript() throws Exception {
        HttpResponse<byte[]> page = Http.get(at("/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(StyleFinderServer.CONTENT_SECURITY_POLICY);
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(StyleFinderServer.CONTENT_SECURITY_POLICY).contains("script-src 'self';").doesNotContain("unsafe");
        String html = Http.text(page);
        assertThat(html).contains("<script src=\"/app.js\" defer></script>");
        assertThat(html.split("<script", -1)).hasSize(2); // exactly one script element, and it has a src
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContain("javascript:").doesNotContain("//cdn");
        assertThat(Http.get(at("/app.js")).headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(Http.text(Http.get(at("/style.css")))).contains(".grid");

        HttpResponse<byte[]> health = Http.get(at("/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        JsonNode json = Http.json(health);
        assertThat(json.get("status").asText()).isEqualTo("ok");
        assertThat(json.get("products").asInt()).isEqualTo(fixture.catalog.items().size());
        assertThat(json.get("maxUploadBytes").asLong()).isEqualTo(ServerOptions.DEFAULT_MAX_UPLOAD_BYTES);
    }

    @Test
    void photoSearchFindsTheProductInThePhotoFirstWithItsDetailsAndAnAnswer() throws Exception {
        JsonNode query = WebFixture.labelledPhoto();
        String expected = query.get("expected").asText();
        HttpResponse<byte[]> response = Http.post(at("/api/search"),
                new Http.Form().file("photo", "outfit.jpg", "image/jpeg", queryPhoto()).field("k", "4"));

        assertThat(response.statusCode()).as(Http.text(response)).isEqualTo(200);
        JsonNode json = Http.json(response);
        JsonNode results = json.get("results");
        assertThat(results).hasSize(4);
        JsonNode first = results.get(0);
        assertThat(first.get("rank").asInt()).isEqualTo(1);
        assertThat(first.get("id").asText()).isEqualTo(expected);
        assertThat(first.get("name").asText()).isEqualTo(fixture.name(expected));
        assertThat(first.get("url").asText()).isEqualTo("https://shop.example/products/" + expected);
        assertThat(first.get("image").asText()).isEqualTo("/api/products/" + expected + "/image");
        assertThat(first.get("price").isNumber()).isTrue();
        assertThat(first.get("currency").asText()).isEqualTo("EUR");
        assertThat(first.get("brand").asText()).isNotBlank();
        assertThat(first.get("score").asDouble()).isGreaterThanOrEqualTo(results.get(1).get("score").asDouble());
        assertThat(json.get("answer").get("generator").asText()).isEqualTo(TemplateGenerator.NAME);
        assertThat(json.get("answer").get("text").asText()).startsWith("Best matches for your photo:")
                .contains(fixture.name(expected));
        // the same ranking as the pipeline called directly
        assertThat(fixture.rag(TemplateGenerator.create()).retrieve(dev.mmrag.api.Query.builder()
                .image(dev.mmrag.api.ImageContent.of(queryPhoto(), null)).topK(4).build()).get(0).id()).isEqualTo(expected);
    }

    @Test
    void textSearchWithSimpleFiltersAndWithoutAnAnswer() throws Exception {
        HttpResponse<byte[]> cheap = Http.post(at("/api/search?max.price=20&answer=false"),
                new Http.Form().field("text", "a red t-shirt").field("k", "8"));
        assertThat(cheap.statusCode()).as(Http.text(cheap)).isEqualTo(200);
        JsonNode json = Http.json(cheap);
        assertThat(json.has("answer")).isFalse();
        assertThat(json.get("results")).hasSize(8);
        json.get("results").forEach(r -> assertThat(r.get("price").asDouble()).isLessThanOrEqualTo(20.0));

        HttpResponse<byte[]> brand = Http.post(at("/api/search"),
                new Http.Form().field("text", "a red t-shirt").field("filter.brand", "Meadowlark"));
        assertThat(brand.statusCode()).as(Http.text(brand)).isEqualTo(200);
        assertThat(Http.json(brand).get("results")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.get("brand").asText()).isEqualTo("Meadowlark"));

        HttpResponse<byte[]> typo = Http.post(at("/api/search"),
                new Http.Form().field("text", "a red t-shirt").field("filter.colour", "red"));
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(Http.json(typo).get("error").asText()).contains("'colour'").contains("known keys");
    }

    @Test
    void streamSendsTheResultsThenTheAnswerInPiecesThenDone() throws Exception {
        HttpResponse<byte[]> response = Http.post(at("/api/search/stream"),
                new Http.Form().file("photo", "outfit.jpg", "image/jpeg", queryPhoto()).field("k", "3"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<Http.Event> events = Http.events(Http.text(response));
        assertThat(events.get(0).name()).isEqualTo("results");
        assertThat(events.get(0).data().get("results").get(0).get("id").asText())
                .isEqualTo(WebFixture.labelledPhoto().get("expected").asText());
        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("token")).forEach(e -> text.append(e.data().asText()));
        assertThat(text.toString()).isNotEmpty().isEqualTo(events.get(events.size() - 1).data().get("text").asText());

        HttpResponse<byte[]> get = Http.get(at("/api/search/stream?text=a%20blue%20dress&k=2"));
        assertThat(get.statusCode()).isEqualTo(200);
        List<Http.Event> textEvents = Http.events(Http.text(get));
        assertThat(textEvents.get(0).data().get("results")).hasSize(2);
        assertThat(textEvents.get(textEvents.size() - 1).data().get("text").asText())
                .startsWith("Best matches for \"a blue dress\"");
    }

    @Test
    void aFileThatIsNotAnImageIsRefusedWith415AndAMessage() throws Exception {
        byte[] pdf = "%PDF-1.7 not a photo at all".getBytes(StandardCharsets.US_ASCII);
        for (String path : List.of("/api/search", "/api/search/stream")) {
            HttpResponse<byte[]> response = Http.post(at(path),
                    new Http.Form().file("photo", "outfit.jpg", "image/jpeg", pdf));
            assertThat(response.statusCode()).isEqualTo(415);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(Http.json(response).get("error").asText())
                    .isEqualTo("The file is not a photo: expected a JPEG, PNG, GIF, BMP or WebP image (its first bytes "
                            + "are text).");
        }
    }

    @Test
    void damagedPhotosAreRefusedWithoutAStackTrace() throws Exception {
        byte[] header = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0};
        byte[] junk = new byte[4000];
        new Random(7).nextBytes(junk);
        ByteBuffer damaged = ByteBuffer.allocate(header.length + junk.length).put(header).put(junk);
        HttpResponse<byte[]> response = Http.post(at("/api/search"),
                new Http.Form().file("photo", "x.jpg", "image/jpeg", damaged.array()));
        assertThat(response.statusCode()).isBetween(400, 499);
        String body = Http.text(response);
        assertThat(Http.json(response).get("error").asText()).containsIgnoringCase("photo");
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");

        byte[] truncated = java.util.Arrays.copyOf(queryPhoto(), 600);
        HttpResponse<byte[]> cut = Http.post(at("/api/search"),
                new Http.Form().file("photo", "x.jpg", "image/jpeg", truncated));
        assertThat(cut.statusCode()).as(Http.text(cut)).isBetween(400, 499);
        assertThat(Http.json(cut).get("error").asText()).startsWith("The photo").doesNotContain("in-memory image");
    }

    @Test
    void aPhotoOverThePixelLimitIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        // A PNG whose header claims 60000 x 60000 pixels (3.6 Gpx) and that has no pixel data at all.
        HttpResponse<byte[]> huge = Http.post(at("/api/search"),
                new Http.Form().file("photo", "huge.png", "image/png", pngHeader(60_000, 60_000)));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(Http.json(huge).get("error").asText())
                .isEqualTo("The photo has 3600.0 million pixels; the limit is 40.0 million pixels.");

        StyleFinderServer strict = serve(TemplateGenerator.create(), WebFixture.options().maxPixels(10_000).build());
        HttpResponse<byte[]> big = Http.post(strict.uri().resolve("/api/search"),
                new Http.Form().file("photo", "p.png", "image/png", png(200, 200)));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(Http.json(big).get("error").asText()).isEqualTo("The photo has 40000 pixels; the limit is 10000 pixels.");
        HttpResponse<byte[]> small = Http.post(strict.uri().resolve("/api/search"),
                new Http.Form().file("photo", "p.png", "image/png", png(90, 90)));
        assertThat(small.statusCode()).as(Http.text(small)).isEqualTo(200);
    }

    @Test
    void uploadsOverTheSizeLimitAreRefusedWith413WithOrWithoutAContentLength() throws Exception {
        StyleFinderServer small = serve(TemplateGenerator.create(), WebFixture.options().maxUploadBytes(100_000).build());
        byte[] photo = new byte[300_000];
        System.arraycopy(queryPhoto(), 0, photo, 0, 200);
        HttpResponse<byte[]> declared = Http.post(small.uri().resolve("/api/search"),
                new Http.Form().file("photo", "big.jpg", "image/jpeg", photo));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(Http.json(declared).get("error").asText()).isEqualTo("The upload is 0.3 MB; the limit is 0.1 MB.");

        HttpResponse<byte[]> chunked = Http.postChunked(small.uri().resolve("/api/search"),
                new Http.Form().file("photo", "big.jpg", "image/jpeg", photo));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(Http.json(chunked).get("error").asText()).contains("limit of 0.1 MB");
    }

    @Test
    void largeUploadsAreBufferedOnlyInThePrivateFolderWhichIsEmptiedAndDeleted() throws Exception {
        Path folder = server.uploadFolder();
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        // a real 3 MB PNG (noise), over the 1 MiB that is kept in memory
        byte[] noisy = png(1000, 1000);
        assertThat(noisy.length).isGreaterThan(2_000_000);
        HttpResponse<byte[]> response = Http.post(at("/api/search?answer=false&k=1"),
                new Http.Form().file("photo", "noise.png", "image/png", noisy));
        assertThat(response.statusCode()).as(Http.text(response)).isEqualTo(200);
        try (var files = Files.list(folder)) {
            assertThat(files.toList()).isEmpty();
        }
        server.close();
        assertThat(folder).doesNotExist();
    }

    @Test
    void productPhotosAreServedByKnownIdOnly() throws Exception {
        HttpResponse<byte[]> photo = Http.get(at("/api/products/sku-0001/image"));
        assertThat(photo.statusCode()).isEqualTo(200);
        assertThat(photo.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(photo.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(photo.body()).isEqualTo(Files.readAllBytes(fixture.imageOf("sku-0001")));

        for (String path : List.of("/api/products/sku-9999/image", "/api/products/..%2F..%2Fcatalog.jsonl/image",
                "/api/products/images%2Fsku-0001.jpg/image", "/api/products/%2Fetc%2Fpasswd/image")) {
            HttpResponse<byte[]> refused = Http.get(at(path));
            assertThat(refused.statusCode()).as(path).isIn(400, 404);
            assertThat(Http.text(refused)).as(path).doesNotContain("root:").doesNotContain("sku-0001\"");
        }
        HttpResponse<byte[]> nowhere = Http.get(at("/etc/passwd"));
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(Http.json(nowhere).get("error").asText()).isEqualTo("There is nothing at /etc/passwd.");
    }

    @Test
    void catalogueTextIsPassedOnAsDataAndOnlyWebLinksAreKept() throws Exception {
        HttpResponse<byte[]> response = Http.post(at("/api/search?answer=false&k=4"), new Http.Form().file("photo",
                "twin.jpg", "image/jpeg", Files.readAllBytes(fixture.imageOf(WebFixture.HOSTILE_TWIN))));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode hostile = null;
        for (JsonNode result : Http.json(response).get("results")) {
            if (result.get("id").asText().equals(WebFixture.HOSTILE_ID)) {
                hostile = result;
            }
        }
        assertThat(hostile).as("the hostile product is among the results").isNotNull();
        assertThat(hostile.get("name").asText()).isEqualTo(WebFixture.HOSTILE_NAME);
        assertThat(hostile.get("brand").asText()).isEqualTo(WebFixture.HOSTILE_BRAND);
        assertThat(hostile.has("url")).as("a javascript: link is dropped").isFalse();
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void badParametersAre400WithAMessage() throws Exception {
        record Case(Http.Form form, String path, String message) {
        }
        List<Case> cases = List.of(
                new Case(new Http.Form(), "/api/search", "Add a photo or some words to search for."),
                new Case(new Http.Form().field("text", "   "), "/api/search", "Add a photo or some words to search for."),
                new Case(new Http.Form().field("text", "hat").field("k", "0"), "/api/search",
                        "k must be a whole number from 1 to 50, got '0'."),
                new Case(new Http.Form().field("text", "hat").field("k", "many"), "/api/search",
                        "k must be a whole number from 1 to 50, got 'many'."),
                new Case(new Http.Form().field("text", "x".repeat(1001)), "/api/search",
                        "The text is 1001 characters long; the limit is 1000."),
                new Case(new Http.Form().field("text", "hat").field("max.price", "cheap"), "/api/search",
                        "max.price must be a number, got 'cheap'."),
                new Case(new Http.Form().field("text", "hat").field("filter.mmrag_image", "x"), "/api/search",
                        "'filter.mmrag_image' does not name a product field to filter on."),
                new Case(new Http.Form().field("text", "hat"), "/api/search?k=3&k=4", "k is given 2 times; give it once."));
        for (Case c : cases) {
            HttpResponse<byte[]> response = Http.post(at(c.path()), c.form());
            assertThat(response.statusCode()).as(c.message()).isEqualTo(400);
            assertThat(Http.json(response).get("error").asText()).isEqualTo(c.message());
        }
        HttpResponse<byte[]> wrongMethod = Http.get(at("/api/search"));
        assertThat(wrongMethod.statusCode()).isIn(404, 405);
        assertThat(Http.json(wrongMethod).get("error").asText()).isNotBlank();
    }

    @Test
    void searchesBeyondTheSlotsAndTheQueueGet503WithRetryAfter() throws Exception {
        Blocking blocking = new Blocking();
        StyleFinderServer tight = serve(blocking, WebFixture.options().maxConcurrent(1).queueCapacity(1).build());
        URI search = tight.uri().resolve("/api/search");
        CompletableFuture<HttpResponse<byte[]>> running = CompletableFuture.supplyAsync(() -> post(search, "a hat"));
        assertThat(blocking.started.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<byte[]>> queued = CompletableFuture.supplyAsync(() -> post(search, "a cap"));
        waitUntilQueued(tight);
        HttpResponse<byte[]> refused = Http.post(search, new Http.Form().field("text", "a scarf"));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Http.json(refused).get("error").asText())
                .isEqualTo("The Style Finder is busy with other searches; try again in a moment.");
        blocking.release.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(queued.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aSearchPastItsDeadlineIs504AndTheServerStaysUsable() throws Exception {
        Blocking blocking = new Blocking();
        StyleFinderServer slow = serve(blocking, WebFixture.options().deadline(Duration.ofMillis(1500)).build());
        long start = System.nanoTime();
        HttpResponse<byte[]> response = Http.post(slow.uri().resolve("/api/search"), new Http.Form().field("text", "hat"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(Http.json(response).get("error").asText()).startsWith("The search took longer than 1 s");
        assertThat(ms).as("answered at the deadline, not after the generator").isLessThan(20_000);
        blocking.release.countDown();
        assertThat(Http.post(slow.uri().resolve("/api/search"), new Http.Form().field("text", "hat")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aFailureInsideIs500WithoutAStackTraceAndIsLogged() throws Exception {
        Generator broken = prompt -> {
            throw new IllegalStateException("secret internal detail");
        };
        StyleFinderServer failing = serve(broken, WebFixture.options().build());
        for (String path : List.of("/api/search", "/api/search/stream")) {
            HttpResponse<byte[]> response = Http.post(failing.uri().resolve(path), new Http.Form().field("text", "hat"));
            String body = Http.text(response);
            if (path.endsWith("stream")) {
                assertThat(response.statusCode()).isEqualTo(200); // the results went out before the generator failed
                List<Http.Event> events = Http.events(body);
                assertThat(events.get(0).name()).isEqualTo("results");
                assertThat(events.get(events.size() - 1).name()).isEqualTo("error");
                assertThat(events.get(events.size() - 1).data().get("status").asInt()).isEqualTo(500);
            } else {
                assertThat(response.statusCode()).isEqualTo(500);
                assertThat(Http.json(response).get("error").asText())
                        .isEqualTo("Something went wrong on the server; the problem has been logged.");
            }
            assertThat(body).doesNotContain("secret").doesNotContain("IllegalState").doesNotContain("\tat ");
        }
        assertThat(fixture.log).anySatisfy(line -> assertThat(line)
                .isEqualTo("error: a search failed: IllegalStateException: secret internal detail"));
    }

    @Test
    void oneLogLinePerRequestWithMethodPathStatusAndTimeOnly() throws Exception {
        Http.get(at("/health"));
        Http.post(at("/api/search?max.price=30"), new Http.Form().field("text", "private words about my outfit"));
        Http.post(at("/api/search"), new Http.Form().file("photo", "me.jpg", "image/jpeg", queryPhoto()));
        Http.get(at("/api/products/sku-0001/image"));
        Http.get(at("/nothing%0Ahere"));
        List<String> lines = List.copyOf(fixture.log);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).matches("GET /health 200 \\d+ ms");
        assertThat(lines.get(1)).matches("POST /api/search 200 \\d+ ms");
        assertThat(lines.get(2)).matches("POST /api/search 200 \\d+ ms");
        assertThat(lines.get(3)).matches("GET /api/products/sku-0001/image 200 \\d+ ms");
        assertThat(lines.get(4)).matches("GET /nothing%0Ahere 404 \\d+ ms"); // the raw path: no line break reaches the log
        assertThat(String.join("\n", lines)).doesNotContain("private words").doesNotContain("max.price")
                .doesNotContain("me.jpg").doesNotContain("JFIF");
    }

    // ---------------------------------------------------------------- helpers

    private static HttpResponse<byte[]> post(URI uri, String text) {
        try {
            return Http.post(uri, new Http.Form().field("text", text));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntilQueued(StyleFinderServer server) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Http.json(Http.get(server.uri().resolve("/health"))).get("searchesWaiting").asInt() < 1) {
            assertThat(System.nanoTime()).as("the second search reaches the queue").isLessThan(end);
            Thread.sleep(20);
        }
    }

    /** A generator that waits until it is released, to hold a search slot. */
    private static final class Blocking implements Generator {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Answer generate(Prompt prompt) {
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.of("released", prompt.sources(), "blocking");
        }
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
