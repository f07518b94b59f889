package dev.mmrag.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Style Finder's web server with videos ({@code serve --videos}) over plain HTTP: a video result carries its
 * moments, and the video and keyframe routes serve the real files by known id only (with Range requests for
 * seeking). Real parts: see {@link VideoWebFixture}.
 */
class StyleFinderVideoServerTest {

    private static VideoWebFixture fixture;
    private static StyleFinderServer server;

    @BeforeAll
    static void start() {
        fixture = new VideoWebFixture();
        server = fixture.serve(WebFixture.options().build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static URI at(String path) {
        return server.uri().resolve(path);
    }

    private static JsonNode hatVideo() throws Exception {
        HttpResponse<byte[]> response = Http.post(at("/api/search?answer=false"),
                new Http.Form().field("text", "black checked hat").field("k", "12"));
        assertThat(response.statusCode()).as(Http.text(response)).isEqualTo(200);
        for (JsonNode result : Http.json(response).get("results")) {
            if (result.get("id").asText().equals(VideoWebFixture.HAT_VIDEO)) {
                return result;
            }
        }
        throw new AssertionError("no result is " + VideoWebFixture.HAT_VIDEO + ": " + Http.text(response));
    }

    @Test
    void aVideoResultListsItsMomentsWithLabelThumbnailAndVideoLinks() throws Exception {
        JsonNode video = hatVideo();
        assertThat(video.get("name").asText()).isEqualTo("Lookbook clip 1");
        JsonNode moments = video.get("moments");
        assertThat(moments.size()).isGreaterThan(0);
        JsonNode best = moments.get(0);
        long start = best.get("start").asLong();
        long end = best.get("end").asLong();
        // the labelled moment of "black checked hat" in v01.mp4 is 2.33 s to 6.61 s
        assertThat(start).isLessThan(6610);
        assertThat(end).isGreaterThan(2330).isGreaterThan(start);
        assertThat(best.get("label").asText()).isEqualTo(dev.mmrag.api.TimeSpan.clock(start) + "-"
                + dev.mmrag.api.TimeSpan.clock(end));
        assertThat(best.get("kind").asText()).isEqualTo("visual");
        assertThat(best.get("score").asDouble()).isGreaterThanOrEqualTo(moments.get(moments.size() - 1).get("score").asDouble());
        assertThat(best.get("video").asText()).isEqualTo("/api/videos/video%3Av01.mp4#t="
                + String.format(java.util.Locale.ROOT, "%.1f", start / 1000.0));
        assertThat(best.get("thumbnail").asText()).matches("/api/videos/video%3Av01\\.mp4/moments/\\d+/keyframe");
        // products have no moments
        HttpResponse<byte[]> products = Http.post(at("/api/search?answer=false"), new Http.Form().field("text", "shirt"));
        for (JsonNode result : Http.json(products).get("results")) {
            assertThat(result.has("moments")).isEqualTo(result.get("id").asText().startsWith("video:"));
        }
    }

    @Test
    void theThumbnailIsTheMomentsKeyframeJpeg() throws Exception {
        JsonNode best = hatVideo().get("moments").get(0);
        HttpResponse<byte[]> keyframe = Http.get(at(best.get("thumbnail").asText()));
        assertThat(keyframe.statusCode()).isEqualTo(200);
        assertThat(keyframe.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(keyframe.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        byte[] bytes = keyframe.body();
        assertThat(bytes.length).isGreaterThan(1000);
        assertThat(new byte[] {bytes[0], bytes[1], bytes[2]}).containsExactly(0xFF, 0xD8, 0xFF);
        assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes))).isNotNull();
    }

    @Test
    void theVideoIsServedWholeAndByRangeWithItsContentType() throws Exception {
        byte[] file = Files.readAllBytes(fixture.videos.folder().resolve("v01.mp4"));
        String path = hatVideo().get("moments").get(0).get("video").asText().replaceFirst("#.*", "");
        HttpResponse<byte[]> whole = Http.get(at(path));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(whole.body()).isEqualTo(file);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(at(path)).timeout(Duration.ofSeconds(60))
                .header("Range", "bytes=1000-1999").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + file.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(file, 1000, 2000));

        HttpResponse<byte[]> webm = Http.get(at("/api/videos/video%3Av03.webm"));
        assertThat(webm.statusCode()).isEqualTo(200);
        assertThat(webm.headers().firstValue("Content-Type")).hasValue("video/webm");
        assertThat(webm.body()).isEqualTo(Files.readAllBytes(fixture.videos.folder().resolve("v03.webm")));
    }

    @Test
    void unknownVideosMomentsAndPathsAre404WithAReadableError() throws Exception {
        for (String path : new String[] {"/api/videos/v01.mp4", "/api/videos/video%3Anope.mp4",
            "/api/videos/video%3A..%2F..%2Fetc%2Fpasswd", "/api/videos/sku-0001",
            "/api/videos/video%3Av01.mp4/moments/9999/keyframe", "/api/videos/video%3Av01.mp4/moments/-1/keyframe",
            "/api/videos/video%3Av01.mp4/moments/x/keyframe", "/api/videos/video%3Anope.mp4/moments/0/keyframe"}) {
            HttpResponse<byte[]> response = Http.get(at(path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(Http.json(response).get("error").asText()).as(path).isNotBlank().doesNotContain("Exception");
        }
        assertThat(Http.get(at("/api/videos/video%3Av01.mp4/moments/0/keyframe")).statusCode()).isEqualTo(200);
    }

    @Test
    void theContentSecurityPolicyLetsTheVideoPlayFromThisServerOnly() throws Exception {
        HttpResponse<byte[]> page = Http.get(at("/"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(StyleFinderServer.CONTENT_SECURITY_POLICY);
        assertThat(StyleFinderServer.CONTENT_SECURITY_POLICY).contains("media-src 'self';").contains("default-src 'none'");
    }
}
