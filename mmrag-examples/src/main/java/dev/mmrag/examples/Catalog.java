package dev.mmrag.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
 * folder, which must stay inside it: no {@code ..} out of it, no absolute path, and no symbolic link, of the file or
 * of a folder on the way, that leads out of it; the item reads the file by its real path); every other field (name,
 * brand, price, currency, url, description, ...) becomes metadata when it is a string, number, boolean or an array
 * of those. Numbers keep their exact value: an integer that does not fit 64 bits, or a decimal that a double
 * cannot hold exactly (such as {@code 1e-999}), is refused. The file is read strictly (see {@link JsonLines}). A
 * product becomes an {@link Item} whose content is its photo. Problems name the file, the line and the field.
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
        if (!Files.exists(folder)) {
            throw new InvalidInputException("catalogue folder " + folder + " does not exist");
        }
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("catalogue folder " + folder + " is not a folder; expected a folder "
                    + "holding " + FILE + " and the product photos");
        }
        Path root = realPath(folder);
        List<Item> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonLines.Line line : JsonLines.read(root.resolve(FILE))) {
            String id = line.requiredText("id");
            if (!ids.add(id)) {
                throw line.problem("id '" + id + "' appears twice");
            }
            Path image = inside(root, line);
            Map<String, Object> metadata = metadata(line);
            try {
                items.add(new Item(id, List.of(ImageContent.of(image)), metadata));
            } catch (InvalidInputException e) {
                throw line.problem(e.getMessage());
            }
        }
        if (items.isEmpty()) {
            throw new InvalidInputException("catalogue " + root.resolve(FILE) + " has no products");
        }
        return new Catalog(root, items);
    }

    /**
     * @return the real path of a line's image, which must be inside the (real) catalogue folder whatever symbolic
     *     links lead there; a file that does not exist keeps its name (its item fails when it is read) once the
     *     real path of its nearest existing folder is inside; a symbolic link to nothing is refused
     */
    private static Path inside(Path root, JsonLines.Line line) {
        String name = line.requiredText("image");
        Path image;
        try {
            image = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw line.problem("field 'image' is not a valid path: " + e.getReason());
        }
        if (!image.startsWith(root)) {
            throw line.problem("field 'image' points outside the catalogue folder: " + line.object().get("image"));
        }
        Path real;
        if (Files.exists(image)) {
            real = realPath(image);
        } else if (Files.isSymbolicLink(image)) {
            throw line.problem("field 'image' " + line.object().get("image") + " is a symbolic link to nothing");
        } else {
            Path existing = image.getParent();
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            real = realPath(existing).resolve(existing.relativize(image));
        }
        if (!real.startsWith(root)) {
            throw line.problem("field 'image' " + line.object().get("image") + " leads outside the catalogue folder "
                    + "through a symbolic link");
        }
        return real;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (java.io.IOException e) {
            throw new InvalidInputException("cannot resolve " + path + ": " + JsonLines.reason(e), e);
        }
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
        if (node.isNumber()) {
            return line.number(field, node);
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
