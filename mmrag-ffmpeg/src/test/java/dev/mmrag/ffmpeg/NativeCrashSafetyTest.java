package dev.mmrag.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A native FFmpeg failure must never take the JVM down. This test damages real videos (H.264 in MP4, VP9 in WebM,
 * MPEG-4 in AVI) in 60 ways (random bytes over the header, the index and the middle; truncations; zeroed
 * ranges; swapped halves) and has a child JVM segment them all, so that a crash would kill only the child. The
 * child must print a line for every file, each a segmentation or an {@code InvalidInputException} (no other
 * exception), and exit normally.
 */
class NativeCrashSafetyTest {

    @TempDir
    Path dir;

    @Test
    void damagedVideosNeverCrashTheJvmAndFailAsInvalidInput() throws Exception {
        Path sources = Files.createDirectory(dir.resolve("sources"));
        List<Path> originals = List.of(
                TestVideos.fourShots(sources.resolve("a.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p",
                        "-movflags", "+faststart"),
                TestVideos.fourShots(sources.resolve("b.webm"), "-c:v", "libvpx-vp9", "-deadline", "realtime",
                        "-cpu-used", "8"),
                TestVideos.fourShots(sources.resolve("c.avi"), "-c:v", "mpeg4"));
        Path damaged = Files.createDirectory(dir.resolve("damaged"));
        Random random = new Random(2026);
        int made = 0;
        for (Path original : originals) {
            byte[] bytes = Files.readAllBytes(original);
            String ext = original.getFileName().toString().substring(2);
            for (int k = 0; k < 20; k++) {
                byte[] copy = damage(bytes, k, random);
                Files.write(damaged.resolve(String.format("%s-%02d.%s", original.getFileName().toString().charAt(0), k, ext)), copy);
                made++;
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), SegmentInChildMain.class.getName(),
                damaged.toString(), dir.resolve("keyframes").toString()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as("child exit code; output:\n%s", out).isZero();
        List<String> lines = Arrays.asList(out.strip().split("\n"));
        assertThat(lines).last().isEqualTo("DONE");
        List<String> results = lines.subList(0, lines.size() - 1);
        assertThat(results).hasSize(made);
        assertThat(results).allSatisfy(line -> assertThat(line).matches("(OK|INVALID) .*"));
        assertThat(results).anySatisfy(line -> assertThat(line).startsWith("INVALID"));
        assertThat(results).anySatisfy(line -> assertThat(line).startsWith("OK"));
    }

    /** The k-th way of damaging a file. */
    private static byte[] damage(byte[] bytes, int k, Random random) {
        byte[] copy = bytes.clone();
        int n = copy.length;
        switch (k % 5) {
            case 0: // random bytes over the first part (header, index)
                for (int i = 12 + random.nextInt(64); i < Math.min(n, 12 + 64 + k * 40); i++) {
                    copy[i] = (byte) random.nextInt(256);
                }
                return copy;
            case 1: // truncation anywhere
                return Arrays.copyOf(copy, 16 + random.nextInt(n - 16));
            case 2: { // a burst of random bytes in the middle
                int at = random.nextInt(n - 4096);
                for (int i = at; i < at + 1 + random.nextInt(4096); i++) {
                    copy[i] = (byte) random.nextInt(256);
                }
                return copy;
            }
            case 3: { // zeroed range
                int at = random.nextInt(n / 2);
                Arrays.fill(copy, at, Math.min(n, at + 1 + random.nextInt(n / 4)), (byte) 0);
                return copy;
            }
            default: { // flipped bits all over, keeping the first 12 bytes (the container's signature)
                for (int i = 0; i < 200; i++) {
                    int at = 12 + random.nextInt(n - 12);
                    copy[at] ^= (byte) (1 << random.nextInt(8));
                }
                return copy;
            }
        }
    }
}
