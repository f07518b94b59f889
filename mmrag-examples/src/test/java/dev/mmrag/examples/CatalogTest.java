package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loading catalogues that are hostile or unlucky: symbolic links out of the folder, JSON that a lenient reader
 * would silently cut or change, numbers that would lose their value, bytes that are not UTF-8, files that are not
 * files. Each is an {@link InvalidInputException} naming the file, the line and the field; nothing is dropped.
 */
class CatalogTest {

    @TempDir
    Path dir;

    @Test
    void aFileSymlinkOutOfTheFolderIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.createSymbolicLink(dir.resolve("images/evil.jpg"), Path.of("/etc/passwd"));
        catalogue("{\"id\": \"a\", \"image\": \"images/evil.jpg\"}");
        assertThatThrownBy(() -> Catalog.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.toRealPath().resolve(Catalog.FILE) + " line 1: field 'image' \"images/evil.jpg\" leads "
                        + "outside the catalogue folder through a symbolic link");
    }

    @Test
    void aFolderSymlinkOutOfTheFolderIsRefused(@TempDir Path elsewhere) throws Exception {
        Files.writeString(elsewhere.resolve("secret.jpg"), "secret");
        Files.createSymbolicLink(dir.resolve("images"), elsewhere);
        catalogue("{\"id\": \"a\", \"image\": \"images/secret.jpg\"}");
        assertThatThrownBy(() -> Catalog.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 1: field 'image' \"images/secret.jpg\" leads outside the catalogue folder");
        catalogue("{\"id\": \"a\", \"image\": \"images/not-there-yet.jpg\"}");
        assertThatThrownBy(() -> Catalog.load(dir)).as("a missing file under a link out of the folder")
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("leads outside the catalogue folder");
    }

    @Test
    void aSymlinkToNothingIsRefused() throws Exception {
        Files.createSymbolicLink(dir.resolve("later.jpg"), Path.of("/tmp/does-not-exist-yet.jpg"));
        catalogue("{\"id\": \"a\", \"image\": \"later.jpg\"}");
        assertThatThrownBy(() -> Catalog.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 1: field 'image' \"later.jpg\" is a symbolic link to nothing");
    }

    @Test
    void linksInsideTheFolderAreFollowedAndTheRealPathIsRead() throws Exception {
        Files.createDirectories(dir.resolve("photos"));
        Files.write(dir.resolve("photos/hat.jpg"), new byte[] {1});
        Files.createSymbolicLink(dir.resolve("images"), dir.resolve("photos"));
        Files.createSymbolicLink(dir.resolve("alias.jpg"), Path.of("photos/hat.jpg"));
        catalogue("{\"id\": \"a\", \"image\": \"images/hat.jpg\"}", "{\"id\": \"b\", \"image\": \"alias.jpg\"}",
                "{\"id\": \"c\", \"image\": \"images/missing.jpg\"}");
        List<Item> items = Catalog.load(dir).items();
        Path real = dir.toRealPath().resolve("photos/hat.jpg");
        assertThat(items.get(0).contents()).containsExactly(ImageContent.of(real));
        assertThat(items.get(1).contents()).containsExactly(ImageContent.of(real));
        assertThat(items.get(2).contents()).as("a missing file fails when it is read, for its item alone")
                .containsExactly(ImageContent.of(dir.toRealPath().resolve("photos/missing.jpg")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "two objects on one line | {\"id\": \"a\", \"image\": \"a.jpg\"}{\"id\": \"b\", \"image\": \"b.jpg\"}"
                + " | line 1: a second JSON value after the object (at column 30)",
        "a comma after the object | {\"id\": \"a\", \"image\": \"a.jpg\"}, | line 1: unexpected text after the JSON object",
        "a trailing comma inside | {\"id\": \"a\", \"image\": \"a.jpg\",} | line 1: not valid JSON",
        "a duplicate key | {\"id\": \"a\", \"image\": \"a.jpg\", \"id\": \"b\"} | line 1: not valid JSON (Duplicate field 'id'",
        "a comment | {\"id\": \"a\", \"image\": \"a.jpg\"} // hat | line 1: unexpected text after the JSON object",
        "NaN | {\"id\": \"a\", \"image\": \"a.jpg\", \"price\": NaN} | line 1: not valid JSON",
        "an array | [1, 2] | line 1: expected a JSON object, got [1,2]",
    })
    void jsonThatALenientReaderWouldCutOrChangeIsRefused(String what, String line, String message) throws Exception {
        catalogue("{\"id\": \"first\", \"image\": \"first.jpg\"}", line);
        String expected = message.replace("line 1:", "line 2:");
        assertThatThrownBy(() -> Catalog.load(dir)).as(what).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(dir.toRealPath().resolve(Catalog.FILE) + " " + expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "123456789012345678901234567890 | field 'stock' has the integer 123456789012345678901234567890, which does not "
                + "fit a 64-bit integer",
        "1e-999 | field 'stock' has the number 1E-999, which a 64-bit floating-point number cannot hold exactly (it "
                + "would become 0.0)",
        "1e999 | field 'stock' has the number 1E+999, which a 64-bit floating-point number cannot hold exactly (it "
                + "would become Infinity)",
        "3.14159265358979323846 | field 'stock' has the number 3.14159265358979323846, which",
        "[1, 1e-999] | field 'stock' has the number 1E-999",
    })
    void numbersThatWouldLoseTheirValueAreRefused(String number, String message) throws Exception {
        catalogue("{\"id\": \"a\", \"image\": \"a.jpg\", \"stock\": " + number + "}");
        assertThatThrownBy(() -> Catalog.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(dir.toRealPath().resolve(Catalog.FILE) + " line 1: " + message);
    }

    @Test
    void numbersThatFitKeepTheirExactValue() throws Exception {
        catalogue("{\"id\": \"a\", \"image\": \"a.jpg\", \"price\": 19.99, \"stock\": 9223372036854775807, "
                + "\"big\": 1e3, \"tiny\": 2.5e-300, \"sizes\": [38, 40.5]}");
        Item item = Catalog.load(dir).items().get(0);
        assertThat(item.metadata()).containsEntry("price", 19.99).containsEntry("stock", Long.MAX_VALUE)
                .containsEntry("big", 1000.0).containsEntry("tiny", 2.5e-300).containsEntry("sizes", List.of(38L, 40.5));
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception {
        byte[] good = "{\"id\": \"a\", \"image\": \"a.jpg\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"id\": \"b\", \"image\": \"b.jpg\", \"name\": \"Caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve(Catalog.FILE), concat(good, bad));
        assertThatThrownBy(() -> Catalog.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.toRealPath().resolve(Catalog.FILE) + " line 2: not valid UTF-8 (at byte 43 of the "
                        + "line); the file must be UTF-8 text");
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndingsAreAccepted() throws Exception {
        Files.writeString(dir.resolve(Catalog.FILE), "\uFEFF{\"id\": \"a\", \"image\": \"a.jpg\"}\r\n"
                + "{\"id\": \"b\", \"image\": \"b.jpg\", \"name\": \"Caf\u00e9\"}\r\n", StandardCharsets.UTF_8);
        List<Item> items = Catalog.load(dir).items();
        assertThat(items).extracting(Item::id).containsExactly("a", "b");
        assertThat(items.get(1).metadata()).containsEntry("name", "Caf\u00e9");
    }

    @Test
    void aCatalogueThatIsNotAFolderOrAFileThatIsNotAFileIsNamed() throws Exception {
        assertThatThrownBy(() -> Catalog.load(Path.of("/etc/passwd"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("catalogue folder /etc/passwd is not a folder; expected a folder holding catalog.jsonl and "
                        + "the product photos");
        assertThatThrownBy(() -> Catalog.load(dir.resolve("nowhere"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("catalogue folder " + dir.resolve("nowhere") + " does not exist");
        Files.createSymbolicLink(dir.resolve(Catalog.FILE), Path.of("/dev/zero"));
        assertThatThrownBy(() -> Catalog.load(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.toRealPath().resolve(Catalog.FILE) + " is not a regular file (it is a FIFO, device or "
                        + "socket)");
    }

    @Test
    void queryFilesAreReadAsStrictly() throws Exception {
        Files.write(dir.resolve("a.jpg"), new byte[] {1});
        Path queries = Files.writeString(dir.resolve("queries.jsonl"),
                "{\"text\": \"a hat\", \"expected\": \"sku-1\"}\n"
                + "{\"image\": \"a.jpg\", \"expected\": \"sku-1\", \"expected\": \"sku-2\"}\n");
        assertThatThrownBy(() -> LabelledQuery.load(queries)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(queries + " line 2: not valid JSON (Duplicate field 'expected'");
        Files.writeString(queries, "{\"text\": \"a hat\", \"expected\": \"sku-1\"} {\"text\": \"a cap\", "
                + "\"expected\": \"sku-2\"}\n");
        assertThatThrownBy(() -> LabelledQuery.load(queries)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(queries + " line 1: a second JSON value after the object");
    }

    private void catalogue(String... lines) throws Exception {
        Files.writeString(dir.resolve(Catalog.FILE), String.join("\n", lines) + "\n");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
