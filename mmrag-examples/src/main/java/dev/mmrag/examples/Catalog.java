package dev.mmrag.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A product catalogue in the Style Finder's format: a folder with {@code catalog.jsonl} (one product per line)
 * and the product photos.
 *
 * <p>Each line is a JSON object with a string {@code id} and a string {@code image} (a path relative to the
 * folder, which must stay inside it); every other field (name, brand, price, currency, url, description, ...)
 * becomes metadata when it is a string, number, boolean or an array of those. A product becomes an
 * {@link Item} whose content is its photo. Problems name the file, the line and the field.
 *
 * <p>Thread-safety: immutable.
 *
 * @param folder the catalogue folder
 * @param items the products, in file order
 */
public record Catalog(Path folder, List<Item> items) {

    /** The catalogue file inside the folder. */
    public static final String FILE = "catalog.jsonl";

    /** Validates and copies. */
    public Catalog {
        items = List.copyOf(items);
    }

    /**
     * @param folder a catalogue folder
     * @return its products
     * @throws InvalidInputException when the folder or file is missing, empty or malformed
     */
    public static Catalog load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("catalogue folder " + folder + " does not exist");
        }
        Path root = folder.toAbsolutePath().normalize();
        List<Item> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonLines.Line line : JsonLines.read(root.resolve(FILE))) {
            String id = line.requiredText("id");
            if (!ids.add(id)) {
                throw line.problem("id '" + id + "' appears twice");
            }
            Path image = root.resolve(line.requiredText("image")).normalize();
            if (!image.startsWith(root)) {
                throw line.problem("field 'image' points outside the catalogue folder: " + line.object().get("image"));
            }
            try {
                items.add(new Item(id, List.of(ImageContent.of(image)), metadata(line)));
            } catch (InvalidInputException e) {
                throw line.problem(e.getMessage());
            }
        }
        if (items.isEmpty()) {
            throw new InvalidInputException("catalogue " + root.resolve(FILE) + " has no products");
        }
        return new Catalog(root, items);
    }

    private static Map<String, Object> metadata(JsonLines.Line line) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = line.object().fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("id") && !field.getKey().equals("image") && !field.getValue().isNull()) {
                metadata.put(field.getKey(), value(line, field.getKey(), field.getValue(), true));
            }
        }
        return metadata;
    }

    private static Object value(JsonLines.Line line, String field, JsonNode node, boolean allowArray) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isArray() && allowArray) {
            List<Object> values = new ArrayList<>();
            for (JsonNode element : node) {
                values.add(value(line, field, element, false));
            }
            return values;
        }
        throw line.problem("field '" + field + "' has unsupported value " + node
                + "; expected a string, number, boolean" + (allowArray ? " or an array of those" : ""));
    }
}
