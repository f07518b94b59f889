package dev.mmrag.examples;

import dev.mmrag.api.InvalidInputException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the model and data bundled in the repository's {@code assets/} folder, so that the examples work
 * from a fresh clone without options: the folder named by the system property {@code mmrag.assets}, else the
 * {@code assets/} folder of the checkout the running jar or classes were built in, else the first
 * {@code assets/} found from the working directory upwards.
 *
 * <p>Thread-safety: stateless.
 */
public final class Assets {

    private Assets() {
    }

    /** @return the bundled mini-clip model directory */
    public static Path miniClip() {
        return root().resolve("models/mini-clip");
    }

    /** @return the bundled style catalogue folder */
    public static Path styleCatalog() {
        return root().resolve("data/style-catalog");
    }

    /** @return the bundled labelled queries folder */
    public static Path styleQueries() {
        return root().resolve("data/style-queries");
    }

    /**
     * @return the assets folder
     * @throws InvalidInputException when none can be found
     */
    public static Path root() {
        String property = System.getProperty("mmrag.assets");
        if (property != null) {
            return Path.of(property);
        }
        Path found = searchUp(codeLocation());
        if (found == null) {
            found = searchUp(Path.of("").toAbsolutePath());
        }
        if (found == null) {
            throw new InvalidInputException("cannot find the bundled assets/ folder (model and catalogue); run from "
                    + "the mmrag checkout, pass --model and --catalog, or set -Dmmrag.assets=DIR");
        }
        return found;
    }

    private static Path codeLocation() {
        try {
            return Path.of(Assets.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    private static Path searchUp(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path assets = dir.resolve("assets");
            if (Files.isDirectory(assets.resolve("models")) && Files.isDirectory(assets.resolve("data"))) {
                return assets;
            }
        }
        return null;
    }
}
