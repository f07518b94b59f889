package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Style Finder's hybrid retrieval on the bundled mini-clip model and catalogue: real CLIP, the HNSW store and
 * the Lucene keyword side. The figures are measured on the held-back half of the labelled keyword queries
 * ({@code keyword-queries-test.jsonl}), which the fusion was not tuned on.
 */
class StyleFinderHybridTest {

    private static final Pattern RESULT = Pattern.compile(
            "RESULT (mode=vector-only )?queries=(\\d+) recall@1=([0-9.]+) recall@5=([0-9.]+) recall@10=([0-9.]+) mrr=([0-9.]+)");

    private static double[] figures(String line) {
        Matcher m = RESULT.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        return new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
            Double.parseDouble(m.group(4))};
    }

    @Test
    void evalReportsVectorOnlyAndHybridAndHybridMeetsTheTargetsOnTheTestHalf() {
        StyleFinderTest.Run run = StyleFinderTest.run("eval", "--queries",
                Assets.styleQueries().resolve("keyword-queries-test.jsonl").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().filter(l -> l.startsWith("RESULT ")).toList();
        assertThat(lines).hasSize(2);
        double[] vector = figures(lines.get(0));
        double[] hybrid = figures(lines.get(1));
        assertThat(lines.get(0)).startsWith("RESULT mode=vector-only ");
        assertThat(vector[0]).isEqualTo(160);
        assertThat(hybrid[2]).as("hybrid recall@5").isGreaterThanOrEqualTo(0.90);
        assertThat(hybrid[1]).as("hybrid recall@1").isGreaterThanOrEqualTo(0.75);
        assertThat(vector[2]).as("vector-only recall@5, the baseline").isLessThan(hybrid[2]);
        assertThat(run.out().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo(lines.get(1));
    }

    @Test
    void findFindsAProductCodeWhateverItsSpellingAndNoKeywordsTurnsItOff() {
        for (String code : List.of("SKU 0042", "sku0042", "sku-0042")) {
            StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", code, "--k", "1");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).as(code).contains("https://shop.example/products/sku-0042");
        }
        StyleFinderTest.Run vectorOnly = StyleFinderTest.run("find", "--text", "a blue hat with stripes", "--k", "1",
                "--no-keywords");
        assertThat(vectorOnly.exitCode()).as(vectorOnly.err()).isZero();
        assertThat(vectorOnly.out()).contains("[1] Blue Striped Hat");
    }

    @Test
    void indexSavesTheKeywordSideNextToTheIndexAndFindLoadsIt(@TempDir Path dir) {
        Path index = dir.resolve("catalog.hnsw");
        StyleFinderTest.Run saved = StyleFinderTest.run("index", "--out", index.toString());
        assertThat(saved.exitCode()).as(saved.err()).isZero();
        assertThat(saved.out()).contains("Saved the keyword index to " + index + ".keywords");
        assertThat(Files.isRegularFile(Path.of(index + ".keywords"))).isTrue();
        StyleFinderTest.Run loaded = StyleFinderTest.run("find", "--text", "SKU 0137", "--k", "1", "--index",
                index.toString());
        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        assertThat(loaded.err()).contains("Loaded the keyword index of 320 products");
        assertThat(loaded.out()).contains("https://shop.example/products/sku-0137");
    }

    @Test
    void tuneFusionPrintsTheBestSettingAsAFusionSpecThatFindAccepts(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(Assets.styleQueries().resolve("keyword-queries-tune.jsonl"));
        Path sample = dir.resolve("sample.jsonl");
        Files.write(sample, lines.subList(0, 40));
        StyleFinderTest.Run run = StyleFinderTest.run("eval", "--tune-fusion", "--queries", sample.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String last = run.out().lines().reduce((a, b) -> b).orElseThrow();
        Matcher m = Pattern.compile("RESULT best_fusion=(\\S+) recall@1=([0-9.]+) recall@5=([0-9.]+) mrr=([0-9.]+)")
                .matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        StyleFinderTest.Run find = StyleFinderTest.run("find", "--text", "Meadowlark hat", "--fusion", m.group(1));
        assertThat(find.exitCode()).as(find.err()).isZero();
    }

    @Test
    void badFusionSpecsAreUsageErrors() {
        assertThat(StyleFinderTest.run("find", "--text", "hat", "--fusion", "magic").err())
                .contains("must start with rrf: or weighted:");
        assertThat(StyleFinderTest.run("find", "--text", "hat", "--fusion", "rrf:k=0").err())
                .contains("constant is 0");
        assertThat(StyleFinderTest.run("find", "--text", "hat", "--fusion", "weighted:k=3").exitCode()).isEqualTo(2);
        assertThat(StyleFinderTest.run("find", "--text", "hat", "--no-keywords", "--fusion", "rrf:k=5").exitCode())
                .isEqualTo(2);
    }
}
