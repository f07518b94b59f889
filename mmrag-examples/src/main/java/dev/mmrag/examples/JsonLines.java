package dev.mmrag.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mmrag.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON Lines file (one JSON object per line; blank lines are skipped) and reports problems with the
 * file name, the line number and the field.
 *
 * <p>Thread-safety: stateless.
 */
final class JsonLines {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {
    }

    /** One line of a JSON Lines file: its object and where it came from, for messages. */
    record Line(Path file, int number, JsonNode object) {

        /**
         * @param field a field name
         * @return the field's text
         * @throws InvalidInputException when the field is missing or not a non-blank string
         */
        String requiredText(String field) {
            JsonNode node = object.get(field);
            if (node == null || node.isNull()) {
                throw problem("field '" + field + "' is missing");
            }
            if (!node.isTextual() || node.asText().isBlank()) {
                throw problem("field '" + field + "' must be a non-blank string, got " + node);
            }
            return node.asText();
        }

        /**
         * @param message what is wrong
         * @return an exception naming the file and line
         */
        InvalidInputException problem(String message) {
            return new InvalidInputException(file + " line " + number + ": " + message);
        }
    }

    /**
     * @param file a JSON Lines file
     * @return its lines that are not blank, each a JSON object
     * @throws InvalidInputException when the file is missing or a line is not a JSON object
     */
    static List<Line> read(Path file) {
        List<String> texts;
        try {
            texts = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new InvalidInputException(file + " line " + (i + 1) + ": not valid JSON ("
                        + e.getOriginalMessage() + ")", e);
            }
            if (!node.isObject()) {
                throw new InvalidInputException(file + " line " + (i + 1) + ": expected a JSON object, got " + node);
            }
            lines.add(new Line(file, i + 1, node));
        }
        return lines;
    }
}
