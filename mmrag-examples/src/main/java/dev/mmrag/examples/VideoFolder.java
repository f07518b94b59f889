package dev.mmrag.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.VideoContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A folder of videos for the Style Finder's {@code --videos DIR}: every file with a video extension (mp4, m4v,
 * mov, mkv, webm, avi), each an item with id {@code video:<file name>}. An optional {@code videos.jsonl} gives
 * metadata per file, one object a line with {@code "file"} (a path inside the folder) and any other fields
 * (title, tags...); a path that leaves the folder (absolute, {@code ..}, or a symbolic link out of it) is refused.
 * The format of each file is checked from its bytes when it is decoded, not from its extension.
 *
 * <p>Thread-safety: immutable.
 *
 * @param folder the folder
 * @param items one item per video, in file name order
 */
public record VideoFolder(Path folder, List<Item> items) {

    /** The extensions of the files taken as videos. */
    public static final Set<String> EXTENSIONS = Set.of("mp4", "m4v", "mov", "mkv", "webm", "avi");

    /** The prefix of every video item's id. */
    public static final String ID_PREFIX = "video:";

    /**
     * @param folder a folder of videos
     * @return its videos as items
     * @throws InvalidInputException when the folder is missing, holds no video, or videos.jsonl is wrong
     */
    public static VideoFolder load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("video folder " + folder + " does not exist or is not a folder");
        }
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            throw new InvalidInputException("video folder " + folder + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, Map<String, Object>> metadata = metadata(real);
        List<Path> files;
        try (Stream<Path> listing = Files.list(real)) {
            files = listing.filter(Files::isRegularFile).filter(p -> EXTENSIONS.contains(extension(p)))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new InvalidInputException("video folder " + folder + " cannot be listed: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new InvalidInputException("video folder " + folder + " holds no video (expected files ending in "
                    + EXTENSIONS + ")");
        }
        List<Item> items = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            Map<String, Object> fields = new LinkedHashMap<>(metadata.getOrDefault(name, Map.of()));
            fields.putIfAbsent("name", fields.getOrDefault("title", name));
            fields.put("video", name);
            items.add(Item.builder(ID_PREFIX + name).content(VideoContent.of(file)).metadata(fields).build());
        }
        return new VideoFolder(real, List.copyOf(items));
    }

    private static Map<String, Map<String, Object>> metadata(Path folder) {
        Path file = folder.resolve("videos.jsonl");
        Map<String, Map<String, Object>> byFile = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return byFile;
        }
        for (JsonLines.Line line : JsonLines.read(file)) {
            String name = line.requiredText("file");
            Path resolved = folder.resolve(name).normalize();
            Path real;
            try {
                real = resolved.toRealPath();
            } catch (IOException e) {
                throw line.problem("file '" + name + "' does not exist in " + folder);
            }
            if (Path.of(name).isAbsolute() || !resolved.startsWith(folder) || !real.startsWith(folder)
                    || !real.getParent().equals(folder)) {
                throw line.problem("file '" + name + "' is not a file of the folder " + folder
                        + " (paths may not leave it)");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = line.object().fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("file")) {
                    continue;
                }
                JsonNode value = field.getValue();
                if (value.isTextual()) {
                    fields.put(field.getKey(), value.asText());
                } else if (value.isIntegralNumber()) {
                    fields.put(field.getKey(), value.asLong());
                } else if (value.isNumber()) {
                    fields.put(field.getKey(), value.asDouble());
                } else if (value.isBoolean()) {
                    fields.put(field.getKey(), value.asBoolean());
                }
            }
            byFile.put(real.getFileName().toString(), fields);
        }
        return byFile;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
