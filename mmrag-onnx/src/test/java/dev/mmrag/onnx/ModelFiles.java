package dev.mmrag.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Copies of the bundled model directory for tests that damage one. */
final class ModelFiles {

    private ModelFiles() {
    }

    /**
     * @param model the model directory
     * @param target an empty directory
     * @param include which files to copy, by their name relative to the model directory ("onnx/text_model.onnx")
     */
    static void copy(Path model, Path target, Predicate<String> include) {
        try (Stream<Path> files = Files.walk(model)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = model.relativize(file).toString().replace('\\', '/');
                if (include.test(name)) {
                    Path copy = target.resolve(name);
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param model the model directory
     * @param target an empty directory
     */
    static void copy(Path model, Path target) {
        copy(model, target, name -> true);
    }
}
