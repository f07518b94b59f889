package dev.mmrag.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.api.VideoContent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real decoding through FFmpeg of videos the tests make with the ffmpeg command-line tool ({@link TestVideos}):
 * shot detection, spans under variable frame rate, codecs and containers, keyframe files, and bad input.
 */
class FfmpegVideoSegmenterTest {

    @TempDir
    Path dir;

    /** The defaults, except that no segment is dropped as blank (the colour-bar test shots have little detail). */
    private FfmpegVideoSegmenter segmenter() {
        return FfmpegVideoSegmenter.builder().keyframeDirectory(dir.resolve("keyframes")).minDetail(0).build();
    }

    private static List<Long> starts(Segmentation segmentation) {
        return segmentation.segments().stream().map(s -> s.span().startMs()).collect(Collectors.toList());
    }

    @Test
    void shotDetectionFindsTheCutsOfAGeneratedVideoWithinOneFrame() {
        Path video = TestVideos.fourShots(dir.resolve("cuts.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p");
        Segmentation segmentation = segmenter().segment(VideoContent.of(video));
        List<Long> starts = starts(segmentation);
        assertThat(starts).hasSize(4);
        assertThat(starts.get(0)).isZero();
        for (int i = 0; i < TestVideos.FOUR_SHOT_CUTS.length; i++) {
            assertThat((double) starts.get(i + 1)).as("cut %d", i).isCloseTo(TestVideos.FOUR_SHOT_CUTS[i], within(40.0));
        }
        Segment last = segmentation.segments().get(3);
        assertThat((double) last.span().endMs()).isCloseTo(7000, within(40.0));
        for (int i = 0; i < 3; i++) {
            assertThat(segmentation.segments().get(i).span().endMs())
                    .isEqualTo(segmentation.segments().get(i + 1).span().startMs());
        }
        assertThat(segmentation.warnings()).isEmpty();
        assertThat((double) segmentation.durationMs()).isCloseTo(7000, within(40.0));
    }

    @Test
    void keyframesAreJpegFilesOfTheFullFrameInsideTheirSpans() throws IOException {
        Path video = TestVideos.fourShots(dir.resolve("cuts.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p");
        Segmentation segmentation = segmenter().segment(VideoContent.of(video));
        for (Segment segment : segmentation.segments()) {
            assertThat(segment.keyframe()).isNotNull();
            assertThat(segment.span().contains(segment.keyframe().timeMs(), 0)).isTrue();
            // the first frame at least the delay after the start: within one frame (40 ms at 25 fps) past it
            assertThat(segment.keyframe().timeMs() - segment.span().startMs())
                    .isBetween(FfmpegVideoSegmenter.DEFAULT_KEYFRAME_DELAY_MS,
                            FfmpegVideoSegmenter.DEFAULT_KEYFRAME_DELAY_MS + 40);
            Path file = Path.of(segment.keyframe().reference());
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes[0] & 0xFF).isEqualTo(0xFF);
            assertThat(bytes[1] & 0xFF).isEqualTo(0xD8);
            BufferedImage image = ImageIO.read(file.toFile());
            assertThat(image.getWidth()).isEqualTo(320);
            assertThat(image.getHeight()).isEqualTo(240);
            assertThat(segment.content()).isInstanceOf(ImageContent.class);
            assertThat(((ImageContent) segment.content()).path()).contains(file);
        }
        // the colour-bar shot's keyframe shows colour bars: its top-left is light grey, its right edge blue
        BufferedImage bars = ImageIO.read(Path.of(segmentation.segments().get(1).keyframe().reference()).toFile());
        int rgb = bars.getRGB(300, 20);
        assertThat(rgb & 0xFF).as("blue of the last bar").isGreaterThan(150);
        assertThat((rgb >> 16) & 0xFF).as("red of the last bar").isLessThan(60);
    }

    @Test
    void spansAreRightUnderVariableFrameRate() {
        Path video = TestVideos.ffmpeg(dir.resolve("vfr.mkv"),
                "-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=2",
                "-f", "lavfi", "-i", "smptebars=s=320x240:r=30:d=2",
                "-filter_complex", "[0][1]concat=n=2:v=1:a=0", "-fps_mode", "vfr",
                "-c:v", "libx264", "-pix_fmt", "yuv420p");
        Segmentation segmentation = segmenter().segment(VideoContent.of(video));
        assertThat(starts(segmentation)).hasSize(2);
        assertThat((double) starts(segmentation).get(1)).isCloseTo(2000, within(34.0));
        assertThat((double) segmentation.segments().get(1).span().endMs()).isCloseTo(4000, within(34.0));
    }

    @Test
    void blankShotsGetNoSegmentUnlessTheWholeVideoIsBlank() {
        Path video = TestVideos.ffmpeg(dir.resolve("walls.mp4"),
                "-f", "lavfi", "-i", "color=c=0xE8E0D5:s=320x240:r=25:d=2",
                "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2",
                "-f", "lavfi", "-i", "color=c=black:s=320x240:r=25:d=2",
                "-filter_complex", "[0][1][2]concat=n=3:v=1:a=0", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        FfmpegVideoSegmenter defaults = FfmpegVideoSegmenter.builder().keyframeDirectory(dir).build();
        Segmentation segmentation = defaults.segment(VideoContent.of(video));
        assertThat(segmentation.segments()).hasSize(1);
        assertThat((double) segmentation.segments().get(0).span().startMs()).isCloseTo(2000, within(40.0));
        assertThat(segmenter().segment(VideoContent.of(video)).segments()).hasSize(3);
        Path black = TestVideos.ffmpeg(dir.resolve("black.mp4"), "-f", "lavfi", "-i", "color=c=black:s=320x240:r=25:d=2",
                "-c:v", "libx264", "-pix_fmt", "yuv420p");
        assertThat(defaults.segment(VideoContent.of(black)).segments()).hasSize(1);
    }

    @Test
    void aLongShotGetsAKeyframeAtLeastEveryMaxSegment() {
        Path video = TestVideos.ffmpeg(dir.resolve("long.mp4"), "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=10",
                "-c:v", "libx264", "-pix_fmt", "yuv420p");
        Segmentation segmentation = FfmpegVideoSegmenter.builder().keyframeDirectory(dir).maxSegmentMs(3000).minDetail(0)
                .build()
                .segment(VideoContent.of(video));
        assertThat(starts(segmentation)).containsExactly(0L, 3000L, 6000L, 9000L);
    }

    @Test
    void readsH265Vp9AndMpeg4InMp4MovMkvWebmAndAvi() {
        String[][] cases = {
            {"h265.mp4", "-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"},
            {"h264.mov", "-c:v", "libx264", "-pix_fmt", "yuv420p"},
            {"h264.mkv", "-c:v", "libx264", "-pix_fmt", "yuv444p"},
            {"vp9.webm", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"},
            {"mpeg4.avi", "-c:v", "mpeg4", "-q:v", "3"},
        };
        for (String[] c : cases) {
            String[] codec = java.util.Arrays.copyOfRange(c, 1, c.length);
            Path video = TestVideos.fourShots(dir.resolve(c[0]), codec);
            Segmentation segmentation = segmenter().segment(VideoContent.of(video));
            assertThat(starts(segmentation)).as(c[0]).hasSize(4);
            assertThat((double) starts(segmentation).get(2)).as(c[0]).isCloseTo(3500, within(40.0));
        }
        Path odd = TestVideos.ffmpeg(dir.resolve("odd.mkv"), "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1",
                "-vf", "scale=333:187", "-c:v", "libx264", "-pix_fmt", "yuv444p");
        Segment segment = segmenter().segment(VideoContent.of(odd)).segments().get(0);
        try {
            BufferedImage keyframe = ImageIO.read(Path.of(segment.keyframe().reference()).toFile());
            assertThat(keyframe.getWidth()).isEqualTo(333);
            assertThat(keyframe.getHeight()).isEqualTo(187);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void aTruncatedMp4WithoutItsMoovBoxIsRefusedNamingTheFile() throws IOException {
        Path whole = TestVideos.fourShots(dir.resolve("whole.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p");
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = Files.write(dir.resolve("truncated.mp4"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(truncated)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("truncated.mp4")
                .hasMessageContaining("cannot be opened by FFmpeg");
    }

    @Test
    void aZipOrAJpegNamedMp4IsNotAVideo() throws IOException {
        Path zip = dir.resolve("archive.mp4");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.write("hello".getBytes());
        }
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(zip))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("archive.mp4").hasMessageContaining("is not a video").hasMessageContaining("ZIP");
        Path jpeg = dir.resolve("photo.mp4");
        try (OutputStream out = Files.newOutputStream(jpeg)) {
            ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpeg", out);
        }
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(jpeg))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("photo.mp4").hasMessageContaining("JPEG");
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(dir.resolve("missing.mp4"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing.mp4");
    }

    @Test
    void anAudioOnlyFileHasNoVideoStream() {
        Path audio = TestVideos.ffmpeg(dir.resolve("song.mp4"), "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                "-c:a", "aac");
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(audio))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("song.mp4").hasMessageContaining("no video stream");
    }

    @Test
    void aVideoWithoutFramesIsRefused() {
        Path empty = TestVideos.ffmpeg(dir.resolve("empty.mp4"), "-f", "lavfi", "-i", "color=c=black:s=320x240:r=25",
                "-frames:v", "0", "-c:v", "libx264");
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(empty))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty.mp4").hasMessageFindingMatch("no video stream|no decodable video frame");
    }

    @Test
    void an8kVideoIsRefusedByTheDefaultPixelLimitAndASmallerOneByAConfiguredLimit() {
        Path big = TestVideos.ffmpeg(dir.resolve("8k.mp4"), "-f", "lavfi", "-i", "color=c=gray:s=7680x4320:r=1",
                "-frames:v", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
        assertThatThrownBy(() -> segmenter().segment(VideoContent.of(big))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("8k.mp4").hasMessageContaining("7680x4320").hasMessageContaining("limit");
        Path small = TestVideos.fourShots(dir.resolve("small.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p");
        assertThatThrownBy(() -> FfmpegVideoSegmenter.builder().keyframeDirectory(dir).maxPixels(320 * 240 - 1).build()
                .segment(VideoContent.of(small))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("320x240 = 76800 pixels");
    }

    @Test
    void aVideoLongerThanTheDurationLimitIsRefused() {
        Path video = TestVideos.fourShots(dir.resolve("seven.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p");
        assertThatThrownBy(() -> FfmpegVideoSegmenter.builder().keyframeDirectory(dir).maxDurationMs(5000).build()
                .segment(VideoContent.of(video))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("seven.mp4").hasMessageContaining("5000 ms");
    }

    @Test
    void corruptPacketsInTheMiddleAreAWarningAndWhatDecodesIsSegmented() throws IOException {
        Path video = TestVideos.fourShots(dir.resolve("clean.mp4"), "-c:v", "libx264", "-pix_fmt", "yuv420p",
                "-g", "25", "-movflags", "+faststart");
        byte[] bytes = Files.readAllBytes(video);
        java.util.Random random = new java.util.Random(7);
        for (int at = bytes.length * 2 / 5; at < bytes.length * 2 / 5 + 6000; at++) {
            bytes[at] = (byte) random.nextInt(256);
        }
        Path corrupt = Files.write(dir.resolve("corrupt.mp4"), bytes);
        Segmentation segmentation = segmenter().segment(VideoContent.of(corrupt));
        assertThat(segmentation.warnings()).anySatisfy(w -> assertThat(w).contains("corrupt.mp4")
                .contains("decoding error"));
        assertThat(segmentation.segments()).isNotEmpty();
        assertThat(segmentation.segments().get(segmentation.segments().size() - 1).span().endMs()).isGreaterThan(6000);
    }

    @Test
    void onlyVideosAreCut() {
        assertThatThrownBy(() -> segmenter().segment(new TextContent("a hat")))
                .isInstanceOf(UnsupportedModalityException.class).hasMessageContaining("TEXT");
    }
}
