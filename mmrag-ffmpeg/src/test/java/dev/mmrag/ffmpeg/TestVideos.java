package dev.mmrag.ffmpeg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the test videos with the {@code ffmpeg} command-line tool from FFmpeg's synthetic sources (lavfi), so that
 * no test downloads anything. CI installs the Debian package {@code ffmpeg} ({@code .ci/run}).
 *
 * <p>Thread-safety: stateless.
 */
final class TestVideos {

    private TestVideos() {
    }

    /**
     * Runs {@code ffmpeg -y -loglevel error ARGS OUTPUT}.
     *
     * @param output the file to write
     * @param args the arguments before it
     * @return the output
     */
    static Path ffmpeg(Path output, String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error"));
        command.addAll(List.of(args));
        command.add(output.toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + command + "\n" + log);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ffmpeg (install the ffmpeg package): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Four shots of 320x240 at 25 fps with cuts at 2.0 s, 3.5 s and 6.0 s: a moving test pattern, colour bars, a
     * zooming Mandelbrot set (a shot that changes all the time) and RGB bars; 7 s in all.
     *
     * @param output the file; its extension picks the container
     * @param codec the ffmpeg video encoder and its options
     * @return the output
     */
    static Path fourShots(Path output, String... codec) {
        List<String> args = new ArrayList<>(List.of(
                "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2",
                "-f", "lavfi", "-i", "smptebars=s=320x240:r=25:d=1.5",
                "-f", "lavfi", "-t", "2.5", "-i", "mandelbrot=s=320x240:r=25",
                "-f", "lavfi", "-i", "rgbtestsrc=s=320x240:r=25:d=1",
                "-filter_complex", "[0][1][2][3]concat=n=4:v=1:a=0"));
        args.addAll(List.of(codec));
        return ffmpeg(output, args.toArray(new String[0]));
    }

    /** The cut times of {@link #fourShots}, in ms. */
    static final long[] FOUR_SHOT_CUTS = {2000, 3500, 6000};
}
