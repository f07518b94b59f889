package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code style-finder eval} at a smaller scale than the full query sets, so that a regression in image
 * preprocessing, CLIP encoding or retrieval fails the build. Every fifth query of the bundled sets is run
 * (64 photos, 40 texts). The bars are those of the full sets (image recall@5 >= 0.87, text recall@5 >= 0.98;
 * the reference pipeline gets 0.89 and 1.00), lowered by the sampling error of a 64-query subset.
 */
class StyleFinderEvalTest {

    private static final Pattern RESULT = Pattern.compile(
            "RESULT queries=(\\d+) recall@1=([0-9.]+) recall@5=([0-9.]+) recall@10=([0-9.]+) mrr=([0-9.]+)");

    /** Writes every fifth line of a bundled query file into the bundled folder's copy, keeping image paths valid. */
    private static Path everyFifth(Path dir, String file) throws Exception {
        List<String> lines = Files.readAllLines(Assets.styleQueries().resolve(file));
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 5) {
            sample.add(lines.get(i).replace("\"images/", "\"" + Assets.styleQueries().resolve("images") + "/"));
        }
        Path sampled = dir.resolve(file);
        Files.write(sampled, sample);
        return sampled;
    }

    private static double[] result(StyleFinderTest.Run run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        Matcher m = RESULT.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as("last line is the RESULT line: %s", run.out()).isTrue();
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))};
    }

    @Test
    void imageQueriesFindTheProductInThePhoto(@TempDir Path dir) throws Exception {
        double[] r = result(StyleFinderTest.run("eval", "--queries", everyFifth(dir, "image-queries.jsonl").toString()));
        assertThat(r[0]).isEqualTo(64);
        assertThat(r[2]).as("recall@5").isGreaterThanOrEqualTo(0.84);
        assertThat(r[3]).as("recall@10").isGreaterThanOrEqualTo(0.88);
        assertThat(r[4]).as("MRR").isGreaterThanOrEqualTo(0.60);
    }

    @Test
    void textQueriesFindProductsWithTheNamedAttributes(@TempDir Path dir) throws Exception {
        double[] r = result(StyleFinderTest.run("eval", "--queries", everyFifth(dir, "text-queries.jsonl").toString()));
        assertThat(r[0]).isEqualTo(40);
        assertThat(r[2]).as("recall@5").isGreaterThanOrEqualTo(0.975);
    }

    @Test
    void malformedQueryFileNamesTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("queries.jsonl");
        Files.writeString(file, "{\"text\": \"red hat\", \"relevant\": [\"sku-0201\"]}\n{\"text\": \"blue hat\"}\n");
        StyleFinderTest.Run run = StyleFinderTest.run("eval", "--queries", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("line 2: needs 'expected' (an id) or 'relevant'");
    }
}
