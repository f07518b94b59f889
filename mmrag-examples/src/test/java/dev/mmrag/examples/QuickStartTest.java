package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Runs the quick start as a user would, and checks that the README shows the same code. */
class QuickStartTest {

    @Test
    void answersWithTheBlueHatFirst() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("Best matches for \"a blue hat\":");
        assertThat(lines.get(1)).startsWith("[1] Blue Hat - 32.99 - https://shop.example/products/sku-0217");
    }

    @Test
    void readmeShowsTheQuickStartCode() throws Exception {
        Path root = Assets.root().getParent();
        String source = Files.readString(root.resolve(
                "mmrag-examples/src/main/java/dev/mmrag/examples/QuickStart.java"));
        String body = source.substring(source.indexOf("        Path photos"), source.indexOf("    private static Item"));
        String readme = Files.readString(root.resolve("README.md"));
        for (String line : body.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList())) {
            assertThat(readme).as("README.md shows the QuickStart line: %s", line).contains(line);
        }
    }
}
