package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Style Finder command line on the bundled mini-clip model and catalogue: real JPEG decoding, real CLIP on
 * ONNX Runtime, the HNSW store, the template generator.
 */
class StyleFinderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new StyleFinder(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A labelled photo of the bundled query set (q0007, which the model ranks first; it does so for about half of
     * the photos, see {@link StyleFinderEvalTest}), with the id of the product it shows.
     */
    static JsonNode labelledPhoto() throws Exception {
        return JSON.readTree(Files.readAllLines(Assets.styleQueries().resolve("image-queries.jsonl")).get(7));
    }

    static Path photo(JsonNode query) {
        return Assets.styleQueries().resolve(query.get("image").asText());
    }

    @Test
    void findByPhotoPrintsTheProductInThePhotoFirstWithItsLink() throws Exception {
        JsonNode query = labelledPhoto();
        String expected = query.get("expected").asText();
        Run run = run("find", "--image", photo(query).toString(), "--k", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("Best matches for your photo:");
        assertThat(lines.get(1)).startsWith("[1] ").contains("https://shop.example/products/" + expected)
                .contains(" EUR ").containsPattern("\\(score 0\\.\\d{3}\\)$");
        assertThat(run.err()).contains("Indexed 320 of 320 products");
    }

    @Test
    void findByTextReturnsProductsWithEveryNamedAttribute() {
        Run run = run("find", "--text", "a blue hat with stripes", "--k", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("[1] Blue Striped Hat");
    }

    @Test
    void indexSavedOnceServesLaterSearches(@TempDir Path dir) throws Exception {
        Path index = dir.resolve("catalog.hnsw");
        Run saved = run("index", "--out", index.toString());
        assertThat(saved.exitCode()).as(saved.err()).isZero();
        assertThat(saved.out()).contains("Saved the index of 320 products");

        String photo = photo(labelledPhoto()).toString();
        Run fresh = run("find", "--image", photo);
        Run loaded = run("find", "--image", photo, "--index", index.toString());
        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        assertThat(loaded.err()).contains("Loaded the index of 320 products").doesNotContain("Indexed");
        assertThat(loaded.out()).isEqualTo(fresh.out());
    }

    @Test
    void missingPhotoIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("holiday.jpg");
        Run run = run("find", "--image", missing.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: image file " + missing + " does not exist\n");
    }

    @Test
    void unreadablePhotoIsNamed(@TempDir Path dir) throws Exception {
        Path notAnImage = dir.resolve("outfit.jpg");
        Files.writeString(notAnImage, "this is not a picture");
        Run run = run("find", "--image", notAnImage.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: image file " + notAnImage + " is not a JPEG, PNG, GIF, BMP or WebP image")
                .doesNotContain("Indexed");
    }

    @Test
    void emptyCatalogueIsAnError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("catalog.jsonl"), "\n\n");
        Run run = run("find", "--text", "hat", "--catalog", dir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("has no products");
    }

    @Test
    void malformedCatalogueLineNamesTheLineAndField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("catalog.jsonl"), String.join("\n",
                "{\"id\": \"a\", \"image\": \"a.jpg\", \"name\": \"A\"}",
                "{\"image\": \"b.jpg\", \"name\": \"B\"}"));
        Run run = run("find", "--text", "hat", "--catalog", dir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("catalog.jsonl line 2: field 'id' is missing");

        Files.writeString(dir.resolve("catalog.jsonl"), "{\"id\": \"a\", \"image\": \"a.jpg\", \"size\": {\"eu\": 42}}");
        assertThat(run("find", "--text", "hat", "--catalog", dir.toString()).err())
                .contains("line 1: field 'size' has unsupported value {\"eu\":42}");

        Files.writeString(dir.resolve("catalog.jsonl"), "{\"id\": \"a\", \"image\": \"a.jpg\", \"mmrag_image\": \"/etc/passwd\"}");
        assertThat(run("find", "--text", "hat", "--catalog", dir.toString()).err())
                .contains("line 1: item 'a' has metadata key 'mmrag_image', which is reserved");

        Files.writeString(dir.resolve("catalog.jsonl"), "{\"id\": \"a\", \"image\": \"a.jpg\",");
        assertThat(run("find", "--text", "hat", "--catalog", dir.toString()).err()).contains("line 1: not valid JSON");
    }

    @Test
    void productsWhosePhotosCannotBeReadAreSkippedAndNamed(@TempDir Path dir) throws Exception {
        Path catalogue = Assets.styleCatalog();
        Files.copy(catalogue.resolve("images/sku-0201.jpg"), dir.resolve("hat.jpg"));
        Files.writeString(dir.resolve("broken.jpg"), "not a jpeg");
        Files.writeString(dir.resolve("catalog.jsonl"), String.join("\n",
                "{\"id\": \"hat\", \"image\": \"hat.jpg\", \"name\": \"Red Hat\"}",
                "{\"id\": \"broken\", \"image\": \"broken.jpg\", \"name\": \"Broken\"}",
                "{\"id\": \"gone\", \"image\": \"gone.jpg\", \"name\": \"Gone\"}"));
        Run run = run("find", "--text", "a red hat", "--catalog", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Indexed 1 of 3 products").contains("skipped item 'broken'")
                .contains("skipped item 'gone'").contains("gone.jpg does not exist");
        assertThat(run.out()).contains("[1] Red Hat");
    }

    /**
     * A FIFO (which would block a reader forever) and a link to {@code /dev/zero} (which never ends) among the
     * photos fail for their products alone, at once, and the other products are indexed.
     */
    @Test
    void photosThatAreNotRegularFilesAreSkippedWithoutHanging(@TempDir Path dir) throws Exception {
        Files.copy(Assets.styleCatalog().resolve("images/sku-0201.jpg"), dir.resolve("hat.jpg"));
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("fifo.jpg").toString()).start().waitFor()).isZero();
        Files.createSymbolicLink(dir.resolve("zero.jpg"), Path.of("/dev/zero"));
        Files.writeString(dir.resolve("catalog.jsonl"), String.join("\n",
                "{\"id\": \"hat\", \"image\": \"hat.jpg\", \"name\": \"Red Hat\"}",
                "{\"id\": \"fifo\", \"image\": \"fifo.jpg\", \"name\": \"Fifo\"}"));
        Run run = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMinutes(2),
                () -> run("find", "--text", "a red hat", "--catalog", dir.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Indexed 1 of 2 products")
                .contains("skipped item 'fifo': image file " + dir.toRealPath().resolve("fifo.jpg")
                        + " is not a regular file (it is a FIFO, device or socket)");
        assertThat(run.out()).contains("[1] Red Hat");
    }

    @Test
    void aPhotoLinkedFromOutsideTheCatalogueIsRefusedAndNotQuoted(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.createSymbolicLink(dir.resolve("images/evil.jpg"), Path.of("/etc/passwd"));
        Files.writeString(dir.resolve("catalog.jsonl"), "{\"id\": \"evil\", \"image\": \"images/evil.jpg\"}\n");
        Run run = run("find", "--text", "a red hat", "--catalog", dir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + dir.toRealPath().resolve("catalog.jsonl") + " line 1: field 'image' "
                + "\"images/evil.jpg\" leads outside the catalogue folder through a symbolic link\n");
        Files.writeString(dir.resolve("outfit.jpg"), "root:x:0:0:root:/root:/bin/bash\n");
        Run photo = run("find", "--image", dir.resolve("outfit.jpg").toString());
        assertThat(photo.err()).isEqualTo("error: image file " + dir.resolve("outfit.jpg") + " is not a JPEG, PNG, GIF, "
                + "BMP or WebP image (its first bytes are text)\n");
    }

    @Test
    void inputMistakesGetOneClearMessage(@TempDir Path dir) throws Exception {
        Run passwd = run("find", "--text", "hat", "--catalog", "/etc/passwd");
        assertThat(passwd.exitCode()).isEqualTo(1);
        assertThat(passwd.err()).isEqualTo("error: catalogue folder /etc/passwd is not a folder; expected a folder "
                + "holding catalog.jsonl and the product photos\n");

        Run emptyOut = run("index", "--out", "");
        assertThat(emptyOut.exitCode()).isEqualTo(2);
        assertThat(emptyOut.err()).startsWith("error: option --out needs a value, got an empty one\n");
        assertThat(run("index", "--out=").err()).startsWith("error: option --out needs a value, got an empty one\n");
        assertThat(run("find", "--text", "").err()).startsWith("error: option --text needs a value, got an empty one");

        Files.write(dir.resolve("catalog.jsonl"), new byte[] {'{', '"', 'i', 'd', '"', ':', ' ', '"', (byte) 0xE9, '"',
            '}', '\n'});
        Run latin1 = run("find", "--text", "hat", "--catalog", dir.toString());
        assertThat(latin1.err()).isEqualTo("error: " + dir.toRealPath().resolve("catalog.jsonl") + " line 1: not valid "
                + "UTF-8 (at byte 9 of the line); the file must be UTF-8 text\n");

        Files.writeString(dir.resolve("catalog.jsonl"), "{\"id\": \"a\", \"image\": \"a.jpg\", \"price\": 1e-999}\n");
        Run tiny = run("find", "--text", "hat", "--catalog", dir.toString());
        assertThat(tiny.err()).as("the file and line are named once").isEqualTo("error: "
                + dir.toRealPath().resolve("catalog.jsonl") + " line 1: field 'price' has the number 1E-999, which a "
                + "64-bit floating-point number cannot hold exactly (it would become 0.0); write at most 17 "
                + "significant digits, within about 1e-307 to 1e308\n");

        Run queries = run("eval", "--queries", dir.toString());
        assertThat(queries.err()).isEqualTo("error: " + dir + " is not a regular file (it is a directory)\n");
    }

    /**
     * {@code index --out} names a file to create or replace; anything else is refused before the catalogue is
     * indexed, naming the path, and left as it was (issue 16, item 8).
     */
    @Test
    void indexRefusesAnOutThatIsNotAFileBeforeIndexing(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link.hnsw"), dir.resolve("elsewhere.hnsw"));
        Path readOnly = Files.writeString(dir.resolve("frozen.hnsw"), "keep");
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        List<List<String>> cases = List.of(
                List.of("/dev/null", "/dev/null is a character device, not a regular file"),
                List.of("/", "/ is a directory"),
                List.of(dir.toString(), dir + " is a directory"),
                List.of(link.toString(), link + " is a symbolic link"),
                List.of(readOnly.toString(), readOnly + " is read-only"),
                List.of(dir.resolve("no/such/x.hnsw").toString(), "the folder to save into does not exist"));
        for (List<String> c : cases) {
            Run run = run("index", "--out", c.get(0));
            assertThat(run.exitCode()).as("--out '%s': %s", c.get(0), run.err()).isEqualTo(1);
            assertThat(run.err()).as("--out '%s'", c.get(0)).startsWith("error: ").contains(c.get(1))
                    .doesNotContain("Indexed").doesNotContain("Exception");
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(readOnly)).isEqualTo("keep");
        assertThat(Files.exists(dir.resolve("elsewhere.hnsw"))).isFalse();
    }

    @Test
    void usageErrorsExitWithTwoAndAHint() {
        Run unknown = run("find", "--imgae", "x.jpg");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option --imgae").contains("--help");
        assertThat(run("find").err()).contains("find needs --image PATH, --text TEXT, or both");
        assertThat(run("search", "--text", "x").err()).contains("unknown command 'search'");
        assertThat(run("find", "--text", "x", "--k", "many").err()).contains("--k needs a whole number");
        assertThat(run("index", "--text", "x").err()).contains("option --text does not apply to 'index'");
        assertThat(run().exitCode()).isEqualTo(2);
    }

    @Test
    void helpDocumentsEveryCommandAndOption() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        for (String word : List.of("find", "index", "eval", "--image", "--text", "--k", "--catalog", "--model",
                "--index", "--out", "--queries", "--llm", "--llm-model", "--base-url", "--stream", "--quantized",
                "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY")) {
            assertThat(help.out()).as("help mentions %s", word).contains(word);
        }
    }
}
