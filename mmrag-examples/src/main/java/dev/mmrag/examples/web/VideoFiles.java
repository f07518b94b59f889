package dev.mmrag.examples.web;

import dev.mmrag.api.Content;
import dev.mmrag.api.ImageFormat;
import dev.mmrag.api.Item;
import dev.mmrag.api.Keyframe;
import dev.mmrag.api.Moment;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.SegmentVector;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.VideoContent;
import dev.mmrag.api.VideoFormat;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The videos a {@link StyleFinderServer} serves: the files of the indexed video items, looked up by their ids only
 * (no path from a request reaches the file system), their keyframes, looked up by id and the index of the stored
 * segment, and the JSON of a video result's moments:
 * {@code {"start", "end" (ms), "label" ("0:12-0:17"), "score", "kind" ("visual"|"spoken"), "video"
 * ("/api/videos/ID#t=12.0"), "thumbnail" (when the moment has a keyframe), "words" (a spoken moment)}}, best first.
 *
 * <p>Thread-safety: safe for concurrent use (the maps are immutable; the store is).
 */
final class VideoFiles {

    private final Map<String, Path> files;
    private final VectorStore store;
    private final Consumer<String> log;

    /**
     * @param items the video items (those without a local video file are left out)
     * @param store the store that holds their segments
     * @param log where a file that cannot be read is reported
     */
    VideoFiles(List<Item> items, VectorStore store, Consumer<String> log) {
        Map<String, Path> byId = new HashMap<>();
        for (Item item : items) {
            for (Content content : item.contents()) {
                if (content instanceof VideoContent video && video.path() != null) {
                    byId.putIfAbsent(item.id(), video.path());
                }
            }
        }
        this.files = Map.copyOf(byId);
        this.store = store;
        this.log = log;
    }

    /** @return whether {@code id} is a served video */
    boolean has(String id) {
        return files.containsKey(id);
    }

    /**
     * @param retrieved a video found by a search
     * @return the JSON of its moments, best first
     */
    List<Map<String, Object>> moments(Retrieved retrieved) {
        List<SegmentVector> segments = store.get(retrieved.id()).map(VectorRecord::segments).orElse(List.of());
        List<Map<String, Object>> moments = new ArrayList<>();
        for (Moment moment : retrieved.moments()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("start", moment.span().startMs());
            json.put("end", moment.span().endMs());
            json.put("label", moment.span().describe());
            json.put("score", Math.round(moment.score() * 10_000) / 10_000.0);
            json.put("kind", moment.kind().name().toLowerCase(Locale.ROOT));
            json.put("video", videoPath(retrieved.id()) + "#t="
                    + String.format(Locale.ROOT, "%.1f", moment.span().startMs() / 1000.0));
            int n = segmentIndex(segments, moment);
            if (n >= 0 && segments.get(n).keyframe() != null) {
                json.put("thumbnail", videoPath(retrieved.id()) + "/moments/" + n + "/keyframe");
            }
            if (moment.words() != null) {
                json.put("words", moment.words());
            }
            moments.add(json);
        }
        return moments;
    }

    /** {@code GET /api/videos/{id}}: the file, with Range requests answered 206. */
    void sendVideo(Context ctx) throws IOException {
        Path file = files.get(ctx.pathParam("id"));
        if (file == null) {
            throw new WebError(404, "There is no video with this id.");
        }
        String type;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            type = VideoFormat.detect(in.readNBytes(VideoFormat.SIGNATURE_BYTES)).map(VideoFormat::mediaType)
                    .orElseThrow(() -> new WebError(404, "This video's file is not a video."));
            size = Files.size(file);
        } catch (IOException e) {
            log.accept("error: a video cannot be read: " + StyleFinderServer.printable(e.toString()));
            throw new WebError(404, "This video's file is missing.");
        }
        ctx.header("Cache-Control", "public, max-age=3600");
        // Javalin's seekable writer answers "Range: bytes=a-b" with 206 and Content-Range, and closes the stream.
        ctx.writeSeekableStream(Files.newInputStream(file), type, size);
    }

    /** {@code GET /api/videos/{id}/moments/{n}/keyframe}: the keyframe of the n-th stored segment. */
    void sendKeyframe(Context ctx) {
        String id = ctx.pathParam("id");
        if (!files.containsKey(id)) {
            throw new WebError(404, "There is no video with this id.");
        }
        int n;
        try {
            n = Integer.parseInt(ctx.pathParam("n"));
        } catch (NumberFormatException e) {
            throw new WebError(404, "There is no such moment of this video.");
        }
        List<SegmentVector> segments = store.get(id).map(VectorRecord::segments).orElse(List.of());
        if (n < 0 || n >= segments.size()) {
            throw new WebError(404, "There is no such moment of this video.");
        }
        Optional<Path> image = Optional.ofNullable(segments.get(n).keyframe()).flatMap(Keyframe::image)
                .flatMap(dev.mmrag.api.ImageContent::path);
        if (image.isEmpty()) {
            throw new WebError(404, "This moment of the video has no keyframe.");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image.get());
        } catch (IOException e) {
            log.accept("error: a keyframe cannot be read: " + StyleFinderServer.printable(e.toString()));
            throw new WebError(404, "The keyframe of this moment is missing.");
        }
        ImageFormat format = ImageFormat.detect(bytes)
                .orElseThrow(() -> new WebError(404, "The keyframe of this moment is not an image."));
        ctx.status(200);
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(format.mediaType());
        ctx.result(bytes);
    }

    private static int segmentIndex(List<SegmentVector> segments, Moment moment) {
        for (int i = 0; i < segments.size(); i++) {
            SegmentVector segment = segments.get(i);
            if (segment.span().equals(moment.span()) && java.util.Objects.equals(segment.keyframe(), moment.keyframe())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param id a video id
     * @return the server path of its file
     */
    static String videoPath(String id) {
        return "/api/videos/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
