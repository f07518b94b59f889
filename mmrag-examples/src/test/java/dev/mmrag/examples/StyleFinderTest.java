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
                List.of("", "the path to write is empty"),
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
