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
 * The Style Finder's video commands on the bundled labelled video set ({@code assets/data/style-videos}, made by
 * {@code scripts/make-style-videos.py}) with the real mini-clip model and real FFmpeg decoding. The bars are the
 * measured figures (image moment recall@5 0.94, text 0.91) lowered by one query, so that a regression in decoding,
 * shot detection, keyframes or moment ranking fails the build.
 */
class StyleFinderVideoTest {

    private static final Pattern RESULT = Pattern.compile(
            "RESULT queries=(\\d+) moment_recall@1=([0-9.]+) moment_recall@5=([0-9.]+) mrr=([0-9.]+)");
    private static final Pattern VECTORS = Pattern.compile("vectors\\s+(\\d+) \\(([0-9.]+) per minute of video\\)");

    private static Path videos() {
        return Assets.root().resolve("data/style-videos");
    }

    private static double[] result(StyleFinderTest.Run run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        Matcher m = RESULT.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as("last line is the RESULT line: %s", run.out()).isTrue();
        Matcher v = VECTORS.matcher(run.out());
        assertThat(v.find()).as(run.out()).isTrue();
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(v.group(2))};
    }

    @Test
    void cataloguephotosFindTheMomentsTheirProductsAppearWithAThirdOfUniformVectors(@TempDir Path dir) {
        double[] r = result(StyleFinderTest.run("eval", "--videos", videos().toString(), "--queries",
                videos().resolve("image-queries.jsonl").toString(), "--keyframes", dir.toString()));
        assertThat(r[0]).isEqualTo(32);
        assertThat(r[2]).as("moment recall@5").isGreaterThanOrEqualTo(0.90);
        assertThat(r[4]).as("vectors per minute (uniform 1 fps: 60)").isLessThanOrEqualTo(20);
    }

    @Test
    void wordsFindTheMomentsOfProductsWithThoseAttributes(@TempDir Path dir) {
        double[] r = result(StyleFinderTest.run("eval", "--videos", videos().toString(), "--queries",
                videos().resolve("text-queries.jsonl").toString(), "--keyframes", dir.toString()));
        assertThat(r[0]).isEqualTo(32);
        assertThat(r[2]).as("moment recall@5").isGreaterThanOrEqualTo(0.87);
    }

    @Test
    void findListsProductsAndVideoMomentsTogether(@TempDir Path dir) {
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "black checked hat", "--k", "8",
                "--videos", videos().toString(), "--keyframes", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Hat").containsPattern("seen in v01\\.mp4 at 0:0[2-6]-0:0[5-7] \\(score 0\\.\\d\\d\\)");
        assertThat(run.err()).contains("Indexed 8 of 8 videos");
    }

    @Test
    void aVideosFileNamingAFileOutsideTheFolderIsRefused(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("videos"));
        Files.copy(videos().resolve("v04.mkv"), folder.resolve("v04.mkv"));
        Files.writeString(dir.resolve("secret.mp4"), "not yours");
        Files.writeString(folder.resolve("videos.jsonl"), "{\"file\": \"v04.mkv\", \"title\": \"ok\"}\n"
                + "{\"file\": \"../secret.mp4\", \"title\": \"escape\"}\n");
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "hat", "--videos", folder.toString(),
                "--keyframes", dir.resolve("kf").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("videos.jsonl line 2").contains("../secret.mp4").contains("may not leave");
    }

    @Test
    void aBadVideoIsSkippedWithItsReasonAndTheOthersAreIndexed(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("videos"));
        Files.copy(videos().resolve("v04.mkv"), folder.resolve("v04.mkv"));
        Files.write(folder.resolve("fake.mp4"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "hat", "--videos", folder.toString(),
                "--keyframes", dir.resolve("kf").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Indexed 1 of 2 videos").contains("fake.mp4").contains("is not a video");
    }
}
