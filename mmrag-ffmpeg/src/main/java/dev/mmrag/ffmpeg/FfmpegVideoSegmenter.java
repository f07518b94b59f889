package dev.mmrag.ffmpeg;

import dev.mmrag.api.Content;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Keyframe;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.TimeSpan;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.api.VideoContent;
import dev.mmrag.api.VideoFormat;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A {@link Segmenter} for video on FFmpeg (through JavaCV): decodes the video once, front to back, one frame in
 * memory at a time (no seeks, never the whole video), detects shot changes on a small grid of each frame, and
 * makes one segment per shot, split into sub-shots so that a segment lasts at most
 * {@link Builder#maxSegmentMs(long)}; a segment whose keyframe is blank (a plain wall, a black frame: see
 * {@link Builder#minDetail(double)}) is dropped. Each segment's keyframe is the frame {@link Builder#keyframeDelayMs(long)}
 * after its start (past a cut's blur; the segment's last frame when it is shorter), written as a JPEG file into
 * the keyframe folder and handed to the encoder as an {@link ImageContent}, so that it goes through the same
 * preprocessing as any image. Near-duplicate segments are merged later, by their embeddings, in
 * {@code MultimodalRag} ({@code duplicateCosine}).
 *
 * <p>Reads whatever FFmpeg reads (H.264, H.265, VP9, AV1, MPEG-4... in MP4, MOV, MKV, WebM, AVI), constant or
 * variable frame rate: spans come from the frames' presentation times, counted from the first frame.
 *
 * <p>Bad input is an {@link InvalidInputException} naming the file: bytes that start no video container (a ZIP or
 * a JPEG named {@code .mp4}), a file FFmpeg cannot open (a truncated MP4 without its {@code moov} box), no video
 * stream (audio only), no decodable frame, a frame size over the pixel limit, a duration over the limit. Errors
 * FFmpeg reports while decoding (corrupt packets in the middle) become warnings of the {@link Segmentation}, and
 * what decodes is segmented.
 *
 * <p>Keyframe files are named {@code <video name>-<hash of its path>-<time ms>.jpg}, so re-indexing a video
 * overwrites its keyframes; files of segments merged as near-duplicates, or of an earlier cut, stay in the folder
 * (delete the folder to reclaim them).
 *
 * <p>Defaults: keyframes in {@code <java.io.tmpdir>/mmrag-keyframes}; cut threshold {@value #DEFAULT_CUT_THRESHOLD};
 * shortest shot {@value #DEFAULT_MIN_SHOT_MS} ms; longest segment {@value #DEFAULT_MAX_SEGMENT_MS} ms; keyframe
 * delay {@value #DEFAULT_KEYFRAME_DELAY_MS} ms; keyframes with less detail than {@value #DEFAULT_MIN_DETAIL}
 * (blank walls, black frames) dropped; at most {@value #DEFAULT_MAX_PIXELS} pixels a frame (4096x4096, so
 * 8K is refused); at most {@value #DEFAULT_MAX_DURATION_MS} ms (3 hours); JPEG quality
 * {@value #DEFAULT_JPEG_QUALITY}; FFmpeg's automatic decoder thread count.
 *
 * <p>Thread-safety: immutable; safe for concurrent use (each call decodes with its own FFmpeg context).
 */
public final class FfmpegVideoSegmenter implements Segmenter {

    /** The default change (0 to 1) of the small-frame signal from which a frame starts a new shot. */
    public static final double DEFAULT_CUT_THRESHOLD = 0.3;
    /** The default shortest shot, in ms: a change sooner after a cut is not another cut. */
    public static final long DEFAULT_MIN_SHOT_MS = 300;
    /** The default longest segment, in ms: a longer shot is split into sub-shots of this length. */
    public static final long DEFAULT_MAX_SEGMENT_MS = 8000;
    /** The default time, in ms, from a segment's start to its keyframe. */
    public static final long DEFAULT_KEYFRAME_DELAY_MS = 500;
    /** The default largest frame, in pixels: 4096 x 4096. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096;
    /** The default longest video, in ms: 3 hours. */
    public static final long DEFAULT_MAX_DURATION_MS = 3L * 3600 * 1000;
    /** The default JPEG quality of keyframe files. */
    public static final float DEFAULT_JPEG_QUALITY = 0.92f;
    /** The default least detail (0 to 1) a keyframe needs for its segment to be kept: blank frames get no vector. */
    public static final double DEFAULT_MIN_DETAIL = 0.03;
    /** How many failed frame reads in a row end the decoding (with a warning). */
    static final int MAX_CONSECUTIVE_READ_FAILURES = 16;

    private final Path keyframeDirectory;
    private final double cutThreshold;
    private final long minShotMs;
    private final long maxSegmentMs;
    private final long keyframeDelayMs;
    private final long maxPixels;
    private final long maxDurationMs;
    private final float jpegQuality;
    private final int decoderThreads;
    private final double minDetail;

    private FfmpegVideoSegmenter(Builder builder) {
        this.keyframeDirectory = builder.keyframeDirectory;
        this.cutThreshold = builder.cutThreshold;
        this.minShotMs = builder.minShotMs;
        this.maxSegmentMs = builder.maxSegmentMs;
        this.keyframeDelayMs = builder.keyframeDelayMs;
        this.maxPixels = builder.maxPixels;
        this.maxDurationMs = builder.maxDurationMs;
        this.jpegQuality = builder.jpegQuality;
        this.decoderThreads = builder.decoderThreads;
        this.minDetail = builder.minDetail;
    }

    /** @return a segmenter with the defaults */
    public static FfmpegVideoSegmenter create() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the folder keyframe files are written to */
    public Path keyframeDirectory() {
        return keyframeDirectory;
    }

    @Override
    public Set<Modality> modalities() {
        return Set.of(Modality.VIDEO);
    }

    @Override
    public Segmentation segment(Content content) {
        if (!(content instanceof VideoContent)) {
            throw new UnsupportedModalityException("FfmpegVideoSegmenter cuts VIDEO, not "
                    + (content == null ? "null" : content.modality() + " (" + content.describe() + ")"));
        }
        VideoContent video = (VideoContent) content;
        String name = video.describe();
        String source = checkSource(video, name);
        try {
            Files.createDirectories(keyframeDirectory);
        } catch (IOException e) {
            throw new InvalidInputException("keyframe folder " + keyframeDirectory + " cannot be created: "
                    + e.getMessage(), e);
        }
        try (FfmpegLog.Session log = FfmpegLog.open()) {
            // 8-bit 4:2:0 video (nearly all) is read as decoded, with no conversion per frame; other formats are
            // converted to packed BGR by FFmpeg, which costs more
            FFmpegFrameGrabber raw = open(source, name, log, true);
            if (raw.getPixelFormat() == avutil.AV_PIX_FMT_YUV420P || raw.getPixelFormat() == avutil.AV_PIX_FMT_YUVJ420P) {
                return decodeAndRelease(raw, video, name, log, true);
            }
            release(raw);
            return decodeAndRelease(open(source, name, log, false), video, name, log, false);
        }
    }

    private FFmpegFrameGrabber open(String source, String name, FfmpegLog.Session log, boolean raw) {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source);
        if (raw) {
            grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        } else {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        }
        grabber.setVideoOption("threads", decoderThreads == 0 ? "auto" : String.valueOf(decoderThreads));
        {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                release(grabber);
                String message = String.valueOf(e.getMessage()).replace(
                        " (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
                if (message.contains("Did not find a video or audio stream")) {
                    throw new InvalidInputException(name + " has no video stream and no frame (FFmpeg found no video"
                            + " or audio stream in it)" + errors(log), e);
                }
                throw new InvalidInputException(name + " cannot be opened by FFmpeg: " + message + errors(log), e);
            }
        }
        return grabber;
    }

    private Segmentation decodeAndRelease(FFmpegFrameGrabber grabber, VideoContent video, String name,
            FfmpegLog.Session log, boolean raw) {
        try {
            return decode(grabber, video, name, log, raw);
        } finally {
            release(grabber);
        }
    }

    private static void release(FFmpegFrameGrabber grabber) {
        try {
            grabber.release();
        } catch (FrameGrabber.Exception | RuntimeException ignored) {
            // the video has been read or has failed already; nothing more to report
        }
    }

    /** Checks a file video's first bytes; returns what FFmpeg is given to open. */
    private static String checkSource(VideoContent video, String name) {
        if (video.path() == null) {
            return video.url().toString();
        }
        Path path = video.path();
        if (!Files.isRegularFile(path)) {
            throw new InvalidInputException(name + " does not exist or is not a regular file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(VideoFormat.SIGNATURE_BYTES);
        } catch (IOException e) {
            throw new InvalidInputException(name + " cannot be read: " + e.getMessage(), e);
        }
        if (head.length == 0) {
            throw new InvalidInputException(name + " is empty");
        }
        if (VideoFormat.detect(head).isEmpty()) {
            throw new InvalidInputException(name + " is not a video: it starts with " + describeHead(head)
                    + "; expected an MP4, MOV, MKV, WebM or AVI container");
        }
        return path.toAbsolutePath().toString();
    }

    private Segmentation decode(FFmpegFrameGrabber grabber, VideoContent video, String name, FfmpegLog.Session log,
            boolean raw) {
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            throw new InvalidInputException(name + " has no video stream (format " + grabber.getFormat()
                    + "; an audio-only file?)");
        }
        long width = grabber.getImageWidth();
        long height = grabber.getImageHeight();
        if (width * height > maxPixels) {
            throw new InvalidInputException(name + " is " + width + "x" + height + " = " + width * height
                    + " pixels a frame; the limit is " + maxPixels);
        }
        long declaredMs = grabber.getLengthInTime() / 1000;
        if (declaredMs > maxDurationMs) {
            throw new InvalidInputException(name + " lasts " + TimeSpan.clock(declaredMs) + " ("
                    + declaredMs + " ms); the limit is " + maxDurationMs + " ms");
        }
        Cutter cutter = new Cutter(video, raw);
        List<String> warnings = new ArrayList<>();
        List<Segment> segments;
        try {
            int failures = 0;
            while (true) {
                Frame frame;
                try {
                    frame = grabber.grabImage();
                    failures = 0;
                } catch (FrameGrabber.Exception | RuntimeException e) {
                    failures++;
                    if (failures >= MAX_CONSECUTIVE_READ_FAILURES) {
                        warnings.add("decoding stopped after " + TimeSpan.clock(cutter.lastMs) + ": " + e.getMessage());
                        break;
                    }
                    continue;
                }
                if (frame == null) {
                    break;
                }
                if (frame.image == null || frame.imageWidth <= 0) {
                    continue;
                }
                cutter.accept(frame, name);
            }
            if (cutter.frames == 0) {
                throw new InvalidInputException(name + " has no decodable video frame" + errors(log));
            }
            segments = cutter.finish();
        } finally {
            cutter.close();
        }
        if (log.count() > 0) {
            warnings.add(name + ": FFmpeg reported " + log.count() + " decoding error(s) (corrupt or missing packets);"
                    + " the frames it could decode were segmented. First: " + log.messages());
        }
        return new Segmentation(segments, warnings, cutter.lastMs + cutter.frameMs());
    }

    private static String errors(FfmpegLog.Session log) {
        return log.count() == 0 ? "" : " (FFmpeg: " + String.join("; ", log.messages()) + ")";
    }

    /** Follows the frames of one video and cuts it into segments. Not thread-safe. */
    private final class Cutter {
        private final String baseName;
        private final ShotDetector detector = new ShotDetector(cutThreshold);
        private final Java2DFrameConverter converter = new Java2DFrameConverter();
        private final List<Segment> segments = new ArrayList<>();
        private long firstMicros = Long.MIN_VALUE;
        long frames;
        long lastMs;
        private long previousMs;
        private long shotStartMs;
        private long segmentStartMs;
        private Keyframe keyframe;
        private double keyframeDetail;
        private BufferedImage pending;
        private long pendingMs;
        private double pendingDetail;
        private Segment flatFallback;

        private static final int IN_FLIGHT = 2;
        private final boolean raw;
        private final YuvConverter yuv;
        private final java.util.concurrent.ExecutorService writer;
        private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(IN_FLIGHT);
        private final List<java.util.concurrent.Future<Void>> writes = new ArrayList<>();

        Cutter(VideoContent video, boolean raw) {
            this.raw = raw;
            this.yuv = raw ? new YuvConverter() : null;
            this.writer = raw ? java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "mmrag-keyframe-writer");
                thread.setDaemon(true);
                return thread;
            }) : null;
            String file = video.path() != null ? String.valueOf(video.path().getFileName()) : video.url().getPath();
            String safe = file == null ? "video" : file.replaceAll("[^A-Za-z0-9._-]", "_");
            if (safe.length() > 60) {
                safe = safe.substring(0, 60);
            }
            this.baseName = safe + "-" + String.format(Locale.ROOT, "%08x", video.reference().hashCode());
        }

        void accept(Frame frame, String name) {
            if (firstMicros == Long.MIN_VALUE) {
                firstMicros = frame.timestamp;
            }
            long ms = Math.max(frames == 0 ? 0 : lastMs, (frame.timestamp - firstMicros) / 1000);
            if (ms > maxDurationMs) {
                throw new InvalidInputException(name + " runs past " + maxDurationMs + " ms, the duration limit");
            }
            boolean cut;
            if (raw) {
                AVFrame picture = (AVFrame) frame.opaque;
                int w = picture.width();
                int h = picture.height();
                int uvRows = (h + 1) / 2;
                cut = detector.nextYuv420(picture.data(0).capacity((long) picture.linesize(0) * h).asByteBuffer(),
                        picture.linesize(0), picture.data(1).capacity((long) picture.linesize(1) * uvRows).asByteBuffer(),
                        picture.data(2).capacity((long) picture.linesize(2) * uvRows).asByteBuffer(),
                        picture.linesize(1), w, h);
            } else {
                cut = detector.next((ByteBuffer) frame.image[0], frame.imageWidth, frame.imageHeight,
                        frame.imageStride);
            }
            if (frames == 0) {
                startSegment(0, true);
            } else if (cut && ms - shotStartMs >= minShotMs) {
                closeSegment(ms);
                startSegment(ms, true);
            } else if (ms - segmentStartMs >= maxSegmentMs) {
                closeSegment(ms);
                startSegment(ms, false);
            }
            if (keyframe == null) {
                if (ms - segmentStartMs >= keyframeDelayMs) {
                    keyframe = write(raw ? yuv.toImage((AVFrame) frame.opaque) : converter.getBufferedImage(frame), ms);
                    keyframeDetail = detector.lastDetail();
                    pending = null;
                } else {
                    if (raw) {
                        yuv.keep((AVFrame) frame.opaque);
                    } else {
                        pending = copy(converter.getBufferedImage(frame), pending);
                    }
                    pendingMs = ms;
                    pendingDetail = detector.lastDetail();
                }
            }
            previousMs = lastMs;
            lastMs = ms;
            frames++;
        }

        long frameMs() {
            return frames > 1 ? Math.max(1, lastMs - previousMs) : 40;
        }

        private void startSegment(long ms, boolean shot) {
            segmentStartMs = ms;
            if (shot) {
                shotStartMs = ms;
            }
            keyframe = null;
            pending = null;
        }

        private void closeSegment(long endMs) {
            if (keyframe == null) {
                keyframe = write(raw ? yuv.keptImage() : pending, pendingMs);
                keyframeDetail = pendingDetail;
            }
            Path file = Path.of(keyframe.reference());
            Segment segment = new Segment(new TimeSpan(segmentStartMs, Math.max(endMs, keyframe.timeMs())),
                    ImageContent.of(file), keyframe);
            if (keyframeDetail >= minDetail) {
                segments.add(segment);
            } else if (flatFallback == null) {
                flatFallback = segment;
            }
        }

        void close() {
            if (yuv != null) {
                yuv.close();
            }
            if (writer != null) {
                writer.shutdownNow();
            }
        }

        List<Segment> finish() {
            closeSegment(lastMs + frameMs());
            awaitWrites();
            if (segments.isEmpty() && flatFallback != null) {
                // a video of blank frames only still gets one segment, so that it can be indexed and found
                segments.add(flatFallback);
            }
            return segments;
        }

        /**
         * Writes a keyframe file: on the decoding thread for the BGR path (JavaCV reuses that image), on the
         * writer thread for the RAW path (each image is new), with at most {@value #IN_FLIGHT} images waiting, so
         * that JPEG encoding overlaps decoding without holding more than a few frames.
         */
        private Keyframe write(BufferedImage image, long ms) {
            Path target = keyframeDirectory.resolve(baseName + "-" + ms + ".jpg");
            Path temporary = keyframeDirectory.resolve(baseName + "-" + ms + ".jpg.tmp");
            if (!raw) {
                writeFile(image, temporary, target);
            } else {
                inFlight.acquireUninterruptibly();
                writes.add(writer.submit(() -> {
                    try {
                        writeFile(image, temporary, target);
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            return new Keyframe(target.toAbsolutePath().toString(), ms);
        }

        private void writeFile(BufferedImage image, Path temporary, Path target) {
            try {
                writeJpeg(image, temporary, jpegQuality);
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new InvalidInputException("keyframe " + target + " cannot be written: " + e.getMessage(), e);
            }
        }

        /** Waits for the keyframe files still being written; the first failure is thrown. */
        private void awaitWrites() {
            for (java.util.concurrent.Future<Void> write : writes) {
                try {
                    write.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof InvalidInputException ? (InvalidInputException) cause
                            : new InvalidInputException("a keyframe could not be written: " + cause, cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InvalidInputException("interrupted while keyframes were written", e);
                }
            }
            writes.clear();
        }
    }

    /** Copies an image into {@code into} (reused when it has the same size and type). */
    private static BufferedImage copy(BufferedImage image, BufferedImage into) {
        BufferedImage target = into != null && into.getWidth() == image.getWidth()
                && into.getHeight() == image.getHeight() && into.getType() == image.getType() ? into
                : new BufferedImage(image.getWidth(), image.getHeight(),
                        image.getType() == BufferedImage.TYPE_CUSTOM ? BufferedImage.TYPE_3BYTE_BGR : image.getType());
        image.copyData(target.getRaster());
        return target;
    }

    static void writeJpeg(BufferedImage image, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static String describeHead(byte[] head) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, head.length); i++) {
            hex.append(String.format(Locale.ROOT, "%02X ", head[i] & 0xFF));
        }
        String ascii = new String(head, 0, Math.min(8, head.length), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7E]", ".");
        String kind = head.length >= 4 && head[0] == 'P' && head[1] == 'K' ? " (a ZIP archive)"
                : head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 ? " (a JPEG image)"
                : head.length >= 4 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' ? " (a PNG image)" : "";
        return hex.toString().trim() + " \"" + ascii + "\"" + kind;
    }

    @Override
    public String toString() {
        return "FfmpegVideoSegmenter[keyframes=" + keyframeDirectory + ", cutThreshold=" + cutThreshold
                + ", maxSegmentMs=" + maxSegmentMs + ", minDetail=" + minDetail + "]";
    }

    /** Builds an {@link FfmpegVideoSegmenter}; every option has a default, written on its method. Not thread-safe. */
    public static final class Builder {
        private Path keyframeDirectory = Path.of(System.getProperty("java.io.tmpdir"), "mmrag-keyframes");
        private double cutThreshold = DEFAULT_CUT_THRESHOLD;
        private long minShotMs = DEFAULT_MIN_SHOT_MS;
        private long maxSegmentMs = DEFAULT_MAX_SEGMENT_MS;
        private long keyframeDelayMs = DEFAULT_KEYFRAME_DELAY_MS;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private long maxDurationMs = DEFAULT_MAX_DURATION_MS;
        private float jpegQuality = DEFAULT_JPEG_QUALITY;
        private int decoderThreads;
        private double minDetail = DEFAULT_MIN_DETAIL;

        private Builder() {
        }

        /**
         * @param detail the least detail, 0 to 1, a segment's keyframe needs for the segment to be kept (default
         *     {@value FfmpegVideoSegmenter#DEFAULT_MIN_DETAIL}): the mean difference between neighbouring cells of
         *     the frame's small grid, so that plain or smoothly graded walls, black frames and fades get no vector
         *     (nothing can be found there, and their colour alone would match colour words); 0 keeps every
         *     segment. A video whose segments are all blank keeps its first one.
         * @return this builder
         */
        public Builder minDetail(double detail) {
            if (!(detail >= 0 && detail <= 1)) {
                throw new InvalidInputException("minimum detail is " + detail + "; expected 0 to 1");
            }
            this.minDetail = detail;
            return this;
        }

        /**
         * @param directory where keyframe JPEG files are written (default {@code <java.io.tmpdir>/mmrag-keyframes});
         *     created when missing
         * @return this builder
         */
        public Builder keyframeDirectory(Path directory) {
            if (directory == null) {
                throw new InvalidInputException("keyframe directory must not be null");
            }
            this.keyframeDirectory = directory;
            return this;
        }

        /**
         * @param threshold the change of the small-frame signal, above 0 and at most 1, from which a frame starts a
         *     new shot (default {@value FfmpegVideoSegmenter#DEFAULT_CUT_THRESHOLD}); lower finds more cuts
         * @return this builder
         */
        public Builder cutThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new InvalidInputException("cut threshold is " + threshold + "; expected above 0, at most 1");
            }
            this.cutThreshold = threshold;
            return this;
        }

        /**
         * @param ms the shortest shot (default {@value FfmpegVideoSegmenter#DEFAULT_MIN_SHOT_MS}), at least 0
         * @return this builder
         */
        public Builder minShotMs(long ms) {
            this.minShotMs = atLeast("shortest shot", ms, 0);
            return this;
        }

        /**
         * @param ms the longest segment: a longer shot gets a keyframe at least this often (default
         *     {@value FfmpegVideoSegmenter#DEFAULT_MAX_SEGMENT_MS}), at least 100
         * @return this builder
         */
        public Builder maxSegmentMs(long ms) {
            this.maxSegmentMs = atLeast("longest segment", ms, 100);
            return this;
        }

        /**
         * @param ms from a segment's start to its keyframe (default
         *     {@value FfmpegVideoSegmenter#DEFAULT_KEYFRAME_DELAY_MS}), at least 0
         * @return this builder
         */
        public Builder keyframeDelayMs(long ms) {
            this.keyframeDelayMs = atLeast("keyframe delay", ms, 0);
            return this;
        }

        /**
         * @param pixels the largest frame, width times height (default
         *     {@value FfmpegVideoSegmenter#DEFAULT_MAX_PIXELS}), at least 1
         * @return this builder
         */
        public Builder maxPixels(long pixels) {
            this.maxPixels = atLeast("pixel limit", pixels, 1);
            return this;
        }

        /**
         * @param ms the longest video (default {@value FfmpegVideoSegmenter#DEFAULT_MAX_DURATION_MS}), at least 1
         * @return this builder
         */
        public Builder maxDurationMs(long ms) {
            this.maxDurationMs = atLeast("duration limit", ms, 1);
            return this;
        }

        /**
         * @param quality keyframe JPEG quality, above 0 and at most 1 (default
         *     {@value FfmpegVideoSegmenter#DEFAULT_JPEG_QUALITY})
         * @return this builder
         */
        public Builder jpegQuality(float quality) {
            if (!(quality > 0 && quality <= 1)) {
                throw new InvalidInputException("JPEG quality is " + quality + "; expected above 0, at most 1");
            }
            this.jpegQuality = quality;
            return this;
        }

        /**
         * @param threads FFmpeg decoder threads, 0 for FFmpeg's automatic choice (default 0)
         * @return this builder
         */
        public Builder decoderThreads(int threads) {
            this.decoderThreads = (int) atLeast("decoder threads", threads, 0);
            return this;
        }

        private static long atLeast(String what, long value, long min) {
            if (value < min) {
                throw new InvalidInputException(what + " is " + value + "; expected at least " + min);
            }
            return value;
        }

        /** @return the segmenter */
        public FfmpegVideoSegmenter build() {
            return new FfmpegVideoSegmenter(this);
        }
    }
}
