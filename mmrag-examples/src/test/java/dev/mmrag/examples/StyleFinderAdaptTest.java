package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.examples.StyleFinderTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Style Finder's {@code adapt} command and {@code --adapter} option on the bundled model and catalogue: a
 * short training on 60 labelled shopper photos (a quick run, not the tuned one: the figures are not checked here,
 * {@code BundledCatalogAdaptationTest} and {@code AdapterCrossValidation} measure them), an index built with the
 * adapter, and the refusals that keep an index and its queries in the same space.
 */
class StyleFinderAdaptTest {

    @TempDir
    Path folder;

    @Test
    void adaptWritesAnAdapterThatIndexAndEvalUseAndAMismatchedIndexIsRefused() throws Exception {
        List<String> lines = Files.readAllLines(Assets.styleQueries().resolve("image-queries.jsonl"));
        List<String> subset = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            subset.add(lines.get(i * 5).replace("\"images/", "\"" + Assets.styleQueries().resolve("images") + "/"));
        }
        Path pairs = folder.resolve("pairs.jsonl");
        Files.write(pairs, subset);
        Path adapter = folder.resolve("adapter.bin");

        Run adapt = StyleFinderTest.run("adapt", "--pairs", pairs.toString(), "--out", adapter.toString(), "--epochs",
                "3", "--holdout", "0.3");
        assertThat(adapt.exitCode()).as(adapt.err()).isZero();
        assertThat(adapt.err()).contains("epoch   1/3 [").contains("loss ").contains("held-out recall@1 ");
        assertThat(adapt.out()).contains("held-out    recall@1").contains("base ").contains("adapted ")
                .contains("Wrote the adapter to " + adapter).containsPattern("RESULT r1_before=\\S+ r1_after=\\S+");
        assertThat(adapter).exists();
        assertThat(Path.of(adapter + ".vectors")).as("the vector cache").exists();

        Path index = folder.resolve("catalog.hnsw");
        Run built = StyleFinderTest.run("index", "--adapter", adapter.toString(), "--out", index.toString());
        assertThat(built.exitCode()).as(built.err()).isZero();

        Run withIt = StyleFinderTest.run("eval", "--index", index.toString(), "--adapter", adapter.toString(),
                "--queries", pairs.toString());
        assertThat(withIt.exitCode()).as(withIt.err()).isZero();
        assertThat(withIt.out()).contains("RESULT queries=60");

        Run without = StyleFinderTest.run("eval", "--index", index.toString(), "--queries", pairs.toString());
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.err()).contains("index " + index + " was built with adapter ")
                .contains("pass the same --adapter FILE");

        Path plainIndex = folder.resolve("plain.hnsw");
        assertThat(StyleFinderTest.run("index", "--out", plainIndex.toString()).exitCode()).isZero();
        Run mismatched = StyleFinderTest.run("find", "--index", plainIndex.toString(), "--adapter", adapter.toString(),
                "--text", "a red hat");
        assertThat(mismatched.exitCode()).isEqualTo(1);
        assertThat(mismatched.err()).contains("was built without an adapter");

        Files.write(folder.resolve("broken.bin"), "not an adapter".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Run broken = StyleFinderTest.run("eval", "--adapter", folder.resolve("broken.bin").toString(), "--queries",
                pairs.toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).contains("broken.bin").contains("not an mmrag adapter file");
    }

    @Test
    void adaptWithoutDataOrOutputIsAUsageError() {
        Run noData = StyleFinderTest.run("adapt", "--out", folder.resolve("a.bin").toString());
        assertThat(noData.exitCode()).isEqualTo(2);
        assertThat(noData.err()).contains("adapt needs --pairs FILE, --self-supervised, or both");
        Run noOut = StyleFinderTest.run("adapt", "--self-supervised");
        assertThat(noOut.exitCode()).isEqualTo(2);
        assertThat(noOut.err()).contains("adapt needs --out FILE");
    }
}
