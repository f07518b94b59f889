package dev.mmrag.onnx;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.mmrag.api.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A model directory on disk (the layout of Hugging Face CLIP ONNX exports: {@code config.json},
 * {@code preprocessor_config.json}, {@code tokenizer.json}, {@code onnx/*.onnx}). Every file is resolved inside
 * the directory: a name that is absolute, climbs out with {@code ..}, or is a symbolic link to somewhere outside
 * is refused, so a model directory from an untrusted source cannot make the encoder read other files.
 *
 * <p>Every problem is an {@link InvalidInputException} that names the file and what is wrong with it.
 *
 * <p>Thread-safety: immutable.
 */
final class ModelDirectory {

    private final Path root;

    private ModelDirectory(Path root) {
        this.root = root;
    }

    /**
     * @param directory the model directory
     * @return the opened directory (its real path, symbolic links resolved)
     * @throws InvalidInputException when it does not exist or is not a directory
     */
    static ModelDirectory open(Path directory) {
        if (directory == null) {
            throw new InvalidInputException("model directory must not be null");
        }
        if (!Files.isDirectory(directory)) {
            throw new InvalidInputException("model directory " + directory.toAbsolutePath()
                    + " does not exist or is not a directory");
        }
        try {
            return new ModelDirectory(directory.toRealPath());
        } catch (IOException e) {
            throw new InvalidInputException("cannot open model directory " + directory.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * Resolves a file of the model.
     *
     * @param relative the file's name relative to the directory, such as {@code onnx/text_model.onnx}
     * @return the file's real path, inside the directory
     * @throws InvalidInputException when the name escapes the directory or the file is missing
     */
    Path file(String relative) {
        Path name;
        try {
            name = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new InvalidInputException("model file name '" + relative + "' is not a valid path: " + e.getMessage(), e);
        }
        if (name.isAbsolute()) {
            throw new InvalidInputException("model file name '" + relative
                    + "' is absolute; model files are named relative to the model directory " + root);
        }
        Path candidate = root.resolve(name).normalize();
        if (!candidate.startsWith(root) || candidate.equals(root)) {
            throw new InvalidInputException("model file name '" + relative + "' escapes the model directory " + root);
        }
        if (!Files.exists(candidate)) {
            throw new InvalidInputException("model directory " + root + " has no file " + relative);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw new InvalidInputException("cannot resolve model file " + candidate + ": " + e, e);
        }
        if (!real.startsWith(root)) {
            throw new InvalidInputException("model file " + relative + " is a link to " + real
                    + ", which is outside the model directory " + root);
        }
        if (!Files.isRegularFile(real)) {
            throw new InvalidInputException("model file " + candidate + " is not a regular file");
        }
        return real;
    }

    /**
     * Reads a JSON file of the model whose top level is an object.
     *
     * @param relative the file's name relative to the directory
     * @return its content, with messages that name the file
     * @throws InvalidInputException when the file is missing or is not a JSON object
     */
    JsonConfig json(String relative) {
        Path path = file(relative);
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            JsonElement element = JsonParser.parseReader(reader);
            if (!element.isJsonObject()) {
                throw new InvalidInputException(path + " must hold a JSON object, found: " + abbreviate(element.toString()));
            }
            return new JsonConfig(path.toString(), element.getAsJsonObject());
        } catch (IOException | JsonParseException e) {
            throw new InvalidInputException(path + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
