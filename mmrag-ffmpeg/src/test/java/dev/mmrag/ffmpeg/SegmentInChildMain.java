package dev.mmrag.ffmpeg;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.VideoContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Run in a child JVM by {@link NativeCrashSafetyTest}: segments every file of a folder and prints one line per
 * file, {@code OK name segments}, {@code INVALID name message} or {@code OTHER name exception}, then {@code DONE}.
 * A native crash would end the process before {@code DONE}, with a signal's exit code.
 */
public final class SegmentInChildMain {

    private SegmentInChildMain() {
    }

    /**
     * @param args the folder of videos, the keyframe folder
     * @throws IOException when the folder cannot be listed
     */
    public static void main(String[] args) throws IOException {
        FfmpegVideoSegmenter segmenter = FfmpegVideoSegmenter.builder().keyframeDirectory(Path.of(args[1])).build();
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(args[0]))) {
            files = listing.sorted().collect(Collectors.toList());
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                Segmentation segmentation = segmenter.segment(VideoContent.of(file));
                System.out.println("OK " + name + " " + segmentation.segments().size());
            } catch (InvalidInputException e) {
                System.out.println("INVALID " + name + " " + e.getMessage().replace('\n', ' '));
            } catch (RuntimeException | Error e) {
                System.out.println("OTHER " + name + " " + e);
            }
            System.out.flush();
        }
        System.out.println("DONE");
    }
}
