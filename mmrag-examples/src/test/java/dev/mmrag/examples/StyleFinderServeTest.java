package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code style-finder serve} from the command line: it indexes (or loads) the catalogue, prints the address, serves
 * the page and the API with the real model, logs one line per request to stderr, and stops when told to; its usage
 * errors. The server itself is tested in {@code dev.mmrag.examples.web}.
 */
class StyleFinderServeTest {

    private static final Pattern ADDRESS = Pattern.compile("Serving the Style Finder for (\\d+) products at (\\S+) ");

    @Test
    void serveLoadsAnIndexServesTheApiAndStops(@TempDir Path folder) throws Exception {
        Path index = folder.resolve("catalog.idx");
        assertThat(StyleFinderTest.run("index", "--out", index.toString()).exitCode()).isZero();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StyleFinder finder = new StyleFinder(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> finder.run(new String[] {"serve",
                "--port", "0", "--index", index.toString(), "--max-concurrent", "1", "--queue", "2"}));
        Matcher address = ADDRESS.matcher("");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!address.reset(out.toString(StandardCharsets.UTF_8)).find()) {
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isNotDone();
            assertThat(System.nanoTime()).as("the server starts").isLessThan(end);
            Thread.sleep(50);
        }
        assertThat(address.group(1)).isEqualTo("320");
        URI uri = URI.create(address.group(2));
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");

        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> search = client.send(HttpRequest.newBuilder(uri.resolve("/api/search/stream?text=red%20hat&k=2"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).startsWith("event: results\n").contains("event: done\n");
        JsonNode results = new ObjectMapper().readTree(search.body().lines().filter(l -> l.startsWith("data: "))
                .findFirst().orElseThrow().substring(6)).get("results");
        assertThat(results).hasSize(2);

        finder.serveCommand.stop();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("Loaded the index of 320 products").contains(" GET /health 200 ")
                .contains(" GET /api/search/stream 200 ").doesNotContain("red hat");
        assertThat(client.sendAsync(HttpRequest.newBuilder(uri.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void serveRefusesOptionsThatDoNotApplyOrAreOutOfRange() {
        StyleFinderTest.Run image = StyleFinderTest.run("serve", "--image", "x.jpg");
        assertThat(image.exitCode()).isEqualTo(2);
        assertThat(image.err()).contains("error: option --image does not apply to 'serve'");
        StyleFinderTest.Run upload = StyleFinderTest.run("serve", "--max-upload-mb", "0");
        assertThat(upload.exitCode()).isEqualTo(2);
        assertThat(upload.err()).contains("error: option --max-upload-mb is 0; expected at least 1");
        StyleFinderTest.Run port = StyleFinderTest.run("serve", "--port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("error: option --port is 70000; expected 0 to 65535");
        StyleFinderTest.Run help = StyleFinderTest.run("--help");
        assertThat(help.out()).contains("style-finder serve [--port 8080] [--host 127.0.0.1]").contains("  serve   ");
    }

    @Test
    void serveWithVideosShowsTheirMomentsAndServesTheirKeyframes(@TempDir Path folder) throws Exception {
        Path videos = java.nio.file.Files.createDirectory(folder.resolve("videos"));
        java.nio.file.Files.copy(Assets.root().resolve("data/style-videos/v01.mp4"), videos.resolve("v01.mp4"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StyleFinder finder = new StyleFinder(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> finder.run(new String[] {"serve",
                "--port", "0", "--videos", videos.toString(), "--keyframes", folder.resolve("kf").toString()}));
        Matcher address = Pattern.compile("Serving the Style Finder for 320 products and 1 video at (\\S+) ").matcher("");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!address.reset(out.toString(StandardCharsets.UTF_8)).find()) {
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isNotDone();
            assertThat(System.nanoTime()).as("the server starts").isLessThan(end);
            Thread.sleep(50);
        }
        URI uri = URI.create(address.group(1));
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> search = client.send(HttpRequest.newBuilder(uri.resolve(
                "/api/search?text=black%20checked%20hat&k=12&answer=false")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        JsonNode video = null;
        for (JsonNode result : new ObjectMapper().readTree(search.body()).get("results")) {
            if (result.get("id").asText().equals("video:v01.mp4")) {
                video = result;
            }
        }
        assertThat(video).as(search.body()).isNotNull();
        JsonNode best = video.get("moments").get(0);
        assertThat(best.get("video").asText()).startsWith("/api/videos/video%3Av01.mp4#t=");
        HttpResponse<byte[]> keyframe = client.send(HttpRequest.newBuilder(uri.resolve(best.get("thumbnail").asText()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(keyframe.statusCode()).isEqualTo(200);
        assertThat(keyframe.headers().firstValue("Content-Type")).hasValue("image/jpeg");

        finder.serveCommand.stop();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Indexed 320 of 320 products")
                .contains("Indexed 1 of 1 videos");
    }

    @Test
    void serveWithVideosRefusesAnIndexFileAndAnAdapter() {
        StyleFinderTest.Run index = StyleFinderTest.run("serve", "--videos", "somewhere", "--index", "x.idx");
        assertThat(index.exitCode()).isEqualTo(2);
        assertThat(index.err()).contains("--index FILE").contains("cannot be combined");
        StyleFinderTest.Run adapter = StyleFinderTest.run("serve", "--videos", "somewhere", "--adapter", "a.bin");
        assertThat(adapter.exitCode()).isEqualTo(2);
        assertThat(adapter.err()).contains("--adapter does not apply to --videos yet");
        StyleFinderTest.Run help = StyleFinderTest.run("--help");
        assertThat(help.out()).contains("[--index FILE | --videos DIR]").contains("GET /api/videos/ID");
    }
}
