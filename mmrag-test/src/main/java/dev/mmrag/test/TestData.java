package dev.mmrag.test;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the data bundled in the repository for tests: the mini-clip model and the style catalogue.
 *
 * <p>The repository root is the system property {@code mmrag.root} (the root pom sets it for Surefire and
 * Failsafe), or else the nearest folder, from the working directory upwards, that holds {@code assets/}.
 *
 * <p>Thread-safety: stateless.
 */
public final class TestData {

    private TestData() {
    }

    /** @return the repository root */
    public static Path repoRoot() {
        String property = System.getProperty("mmrag.root");
        if (property != null && Files.isDirectory(Path.of(property, "assets"))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("assets"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with assets/) from "
                + Path.of("").toAbsolutePath() + "; set -Dmmrag.root");
    }

    /** @return the bundled mini-clip model directory */
    public static Path miniClipModel() {
        return existing(repoRoot().resolve("assets/models/mini-clip"));
    }

    /** @return the bundled style catalogue directory ({@code catalog.jsonl} and {@code images/}) */
    public static Path styleCatalog() {
        return existing(repoRoot().resolve("assets/data/style-catalog"));
    }

    /** @return the bundled labelled queries directory */
    public static Path styleQueries() {
        return existing(repoRoot().resolve("assets/data/style-queries"));
    }

    private static Path existing(Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("bundled test data is missing: " + path);
        }
        return path;
    }
}
