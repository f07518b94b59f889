package dev.mmrag.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Query;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled query of {@code style-finder eval --videos DIR --queries FILE}: a text or an image (a path relative
 * to the queries file's folder), and the moments where the answer is seen (a video name relative to DIR, start
 * and end in seconds).
 *
 * <p>Thread-safety: immutable.
 *
 * @param text the query text, or null
 * @param image the query image, or null
 * @param moments the labelled moments, at least one
 */
record MomentQuery(String text, Path image, List<Labelled> moments) {

    /**
     * A labelled moment.
     *
     * @param video the video's file name in DIR
     * @param startMs where it starts
     * @param endMs where it ends
     */
    record Labelled(String video, long startMs, long endMs) {
    }

    /** @return the query for the pipeline */
    Query query(int topK) {
        Query.Builder query = Query.builder().text(text).topK(topK);
        if (image != null) {
            query.image(image);
        }
        return query.build();
    }

    /**
     * @param file a JSON Lines file of queries
     * @return its queries
     */
    static List<MomentQuery> load(Path file) {
        Path base = file.toAbsolutePath().getParent();
        List<MomentQuery> queries = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(file)) {
            JsonNode text = line.object().get("text");
            JsonNode image = line.object().get("image");
            if ((text == null) == (image == null)) {
                throw line.problem("expected exactly one of 'text' and 'image'");
            }
            JsonNode moments = line.object().get("moments");
            if (moments == null || !moments.isArray() || moments.isEmpty()) {
                throw line.problem("field 'moments' must be a non-empty array");
            }
            List<Labelled> labelled = new ArrayList<>();
            for (JsonNode m : moments) {
                if (!m.path("video").isTextual() || !m.path("start").isNumber() || !m.path("end").isNumber()) {
                    throw line.problem("each moment needs 'video' (text), 'start' and 'end' (seconds), got " + m);
                }
                long start = Math.round(m.get("start").asDouble() * 1000);
                long end = Math.round(m.get("end").asDouble() * 1000);
                if (start < 0 || end < start) {
                    throw line.problem("moment " + m + " has start " + start + " ms and end " + end + " ms");
                }
                labelled.add(new Labelled(m.get("video").asText(), start, end));
            }
            if (text != null && (!text.isTextual() || text.asText().isBlank())) {
                throw line.problem("'text' must be a non-blank string");
            }
            if (image != null && !image.isTextual()) {
                throw new InvalidInputException(file + " line " + line.number() + ": 'image' must be a path");
            }
            queries.add(new MomentQuery(text == null ? null : text.asText(),
                    image == null ? null : base.resolve(image.asText()).normalize(), List.copyOf(labelled)));
        }
        if (queries.isEmpty()) {
            throw new InvalidInputException(file + " holds no query");
        }
        return queries;
    }
}
