package dev.mmrag.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Query;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A query with the ids that count as correct answers, read from a JSON Lines file in the format of
 * {@code assets/data/style-queries}: {@code image} (a path relative to the file's folder) and/or {@code text},
 * and either {@code expected} (one id) or {@code relevant} (a list of ids).
 *
 * <p>Thread-safety: immutable.
 *
 * @param text the query text, or null
 * @param image the query image file, or null
 * @param relevant the ids that count as hits; at least one
 */
public record LabelledQuery(String text, Path image, Set<String> relevant) {

    /** Validates and copies. */
    public LabelledQuery {
        if (text == null && image == null) {
            throw new InvalidInputException("a labelled query needs text or an image");
        }
        relevant = Set.copyOf(relevant);
        if (relevant.isEmpty()) {
            throw new InvalidInputException("a labelled query needs at least one relevant id");
        }
    }

    /**
     * @param topK how many results to ask for
     * @return the query to run
     */
    public Query toQuery(int topK) {
        Query.Builder builder = Query.builder().text(text).topK(topK);
        if (image != null) {
            builder.image(image);
        }
        return builder.build();
    }

    /**
     * @param file a JSON Lines file of labelled queries
     * @return its queries
     * @throws InvalidInputException naming the line and field of a malformed query, or an image that is missing
     */
    public static List<LabelledQuery> load(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        List<LabelledQuery> queries = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(file)) {
            String text = line.object().has("text") ? line.requiredText("text") : null;
            Path image = null;
            if (line.object().has("image")) {
                image = folder.resolve(line.requiredText("image")).normalize();
                if (!Files.exists(image)) {
                    throw line.problem("image " + image + " does not exist");
                }
                if (!Files.isRegularFile(image)) {
                    throw line.problem("image " + image + " is not a regular file");
                }
            }
            if (text == null && image == null) {
                throw line.problem("needs a 'text' or an 'image' field");
            }
            queries.add(new LabelledQuery(text, image, relevant(line)));
        }
        if (queries.isEmpty()) {
            throw new InvalidInputException(file + " has no queries");
        }
        return queries;
    }

    private static Set<String> relevant(JsonLines.Line line) {
        Set<String> ids = new LinkedHashSet<>();
        if (line.object().has("expected")) {
            ids.add(line.requiredText("expected"));
        }
        JsonNode relevant = line.object().get("relevant");
        if (relevant != null) {
            if (!relevant.isArray()) {
                throw line.problem("field 'relevant' must be an array of ids, got " + relevant);
            }
            for (JsonNode id : relevant) {
                if (!id.isTextual()) {
                    throw line.problem("field 'relevant' must hold string ids, got " + id);
                }
                ids.add(id.asText());
            }
        }
        if (ids.isEmpty()) {
            throw line.problem("needs 'expected' (an id) or 'relevant' (a non-empty list of ids)");
        }
        return ids;
    }
}
