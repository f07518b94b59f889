package dev.mmrag.ffmpeg;

import dev.mmrag.api.AudioContent;
import dev.mmrag.api.AudioFormat;
import dev.mmrag.api.Content;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.TimeSpan;
import dev.mmrag.api.TranscriptionRequest;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.api.VideoContent;
import dev.mmrag.api.VideoFormat;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes the sound of an {@link AudioContent} or of a {@link VideoContent}'s sound track, in any container and
 * codec FFmpeg reads (WAV, FLAC, MP3, AAC/M4A, Ogg Vorbis/Opus, WebM, MP4/MOV/MKV videos...), to
 * {@value TranscriptionRequest#SAMPLE_RATE} Hz mono signed 16-bit PCM, streamed: the samples are handed to a
 * {@link Sink} in blocks as they are decoded (FFmpeg's resampler mixes the channels down and converts the rate),
 * and never held whole unless {@link #decodeAll} is asked to. Video frames are not decoded.
 *
 * <p>Bad input is an {@link InvalidInputException} naming the content: a file whose first bytes start no known
 * audio or video container, a file FFmpeg cannot open, no audio stream, a declared or decoded duration over
 * {@link Builder#maxDurationMs(long)}, a URL with a scheme other than http(s) (a {@code file:} URL is refused
 * unless {@link Builder#allowFileUrls(boolean)}; give local files as paths). A file that ends early (truncated) is
 * decoded as far as it goes and a warning says how much of its declared duration was read.
 *
 * <p>Defaults: maximum duration {@value #DEFAULT_MAX_DURATION_MS} ms (4 h), {@code file:} URLs refused.
 *
 * <p>Thread-safety: immutable; safe for concurrent use (each call opens its own FFmpeg context).
 */
public final class FfmpegAudioDecoder {

    /** The default longest recording decoded: four hours, in milliseconds. */
    public static final long DEFAULT_MAX_DURATION_MS = 4L * 3600 * 1000;

    /** Output sample rate in Hz. */
    public static final int SAMPLE_RATE = TranscriptionRequest.SAMPLE_RATE;

    private static final int MAX_CONSECUTIVE_READ_FAILURES = 32;
    private static final Set<String> REMOTE = Set.of("http", "https");

    private final long maxDurationMs;
    private final boolean allowFileUrls;

    private FfmpegAudioDecoder(Builder builder) {
        this.maxDurationMs = builder.maxDurationMs;
        this.allowFileUrls = builder.allowFileUrls;
    }

    /** @return a decoder with the defaults */
    public static FfmpegAudioDecoder create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the longest recording decoded, in milliseconds */
    public long maxDurationMs() {
        return maxDurationMs;
    }

    /**
     * Receives decoded samples. Not called concurrently.
     */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param samples a block of mono 16-bit samples at {@value FfmpegAudioDecoder#SAMPLE_RATE} Hz; only the
         *     first {@code count} are valid, and the array is reused after the call returns
         * @param count how many are valid
         */
        void accept(short[] samples, int count);
    }

    /**
     * What a decoding read.
     *
     * @param samples how many samples were decoded
     * @param warnings what went wrong without stopping it (a truncated file, FFmpeg errors)
     */
    public record Result(long samples, List<String> warnings) {

        /** Validates and copies. */
        public Result {
            warnings = List.copyOf(warnings);
        }

        /** @return the decoded duration in milliseconds */
        public long durationMs() {
            return samples * 1000 / SAMPLE_RATE;
        }
    }

    /**
     * Decodes a content's sound, streamed.
     *
     * @param content an audio content, or a video content (its sound track)
     * @param sink receives the samples in order
     * @return how much was decoded, and warnings
     * @throws InvalidInputException for bad input (see the class javadoc)
     */
    public Result decode(Content content, Sink sink) {
        String name = content == null ? "null" : content.describe();
        String source = checkSource(content, name);
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source);
        grabber.setSampleRate(SAMPLE_RATE);
        grabber.setAudioChannels(1);
        grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        try (FfmpegLog.Session log = FfmpegLog.open()) {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                String message = String.valueOf(e.getMessage()).replace(
                        " (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
                if (message.contains("Did not find a video or audio stream")) {
                    throw new InvalidInputException(name + " has no audio stream (FFmpeg found no stream in it)"
                            + errors(log), e);
                }
                throw new InvalidInputException(name + " cannot be opened by FFmpeg (truncated or not a media file?): "
                        + message + errors(log), e);
            }
            return read(grabber, name, sink, log);
        } finally {
            try {
                grabber.release();
            } catch (FrameGrabber.Exception | RuntimeException ignored) {
                // already read or failed; nothing more to report
            }
        }
    }

    /**
     * Decodes a short recording (a voice question) whole.
     *
     * @param content an audio or video content
     * @param maxMs the longest accepted, in milliseconds (at most {@link #maxDurationMs()})
     * @return its samples at {@value #SAMPLE_RATE} Hz mono
     * @throws InvalidInputException for bad input, or when it lasts longer than {@code maxMs}
     */
    public short[] decodeAll(Content content, long maxMs) {
        long limit = Math.min(maxMs, maxDurationMs) * SAMPLE_RATE / 1000;
        if (limit > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("decodeAll holds at most " + (Integer.MAX_VALUE - 8) + " samples; asked "
                    + limit);
        }
        short[][] buffer = {new short[SAMPLE_RATE * 10]};
        int[] size = {0};
        decode(content, (samples, count) -> {
            if (size[0] + (long) count > limit) {
                throw new InvalidInputException(content.describe() + " lasts longer than " + maxMs
                        + " ms, the limit for a recording decoded whole");
            }
            if (size[0] + count > buffer[0].length) {
                buffer[0] = java.util.Arrays.copyOf(buffer[0], Math.max(size[0] + count, buffer[0].length * 2));
            }
            System.arraycopy(samples, 0, buffer[0], size[0], count);
            size[0] += count;
        });
        return java.util.Arrays.copyOf(buffer[0], size[0]);
    }

    private Result read(FFmpegFrameGrabber grabber, String name, Sink sink, FfmpegLog.Session log) {
        if (!grabber.hasAudio() || grabber.getAudioChannels() <= 0) {
            throw new InvalidInputException(name + " has no audio stream (format " + grabber.getFormat()
                    + (grabber.hasVideo() ? ", video only" : "") + ")");
        }
        long declaredMs = grabber.getLengthInTime() / 1000;
        if (declaredMs > maxDurationMs) {
            throw new InvalidInputException(name + " lasts " + TimeSpan.clock(declaredMs) + " (" + declaredMs
                    + " ms); the limit is " + maxDurationMs + " ms");
        }
        long maxSamples = maxDurationMs * SAMPLE_RATE / 1000;
        List<String> warnings = new ArrayList<>();
        short[] block = new short[8192];
        long total = 0;
        int failures = 0;
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabSamples();
                failures = 0;
            } catch (FrameGrabber.Exception | RuntimeException e) {
                if (++failures >= MAX_CONSECUTIVE_READ_FAILURES) {
                    warnings.add(name + ": decoding stopped after " + TimeSpan.clock(total * 1000 / SAMPLE_RATE)
                            + ": " + e.getMessage());
                    break;
                }
                continue;
            }
            if (frame == null) {
                break;
            }
            if (frame.samples == null || frame.samples.length == 0 || !(frame.samples[0] instanceof ShortBuffer)) {
                continue;
            }
            ShortBuffer samples = ((ShortBuffer) frame.samples[0]).duplicate();
            int count = samples.remaining();
            if (total + count > maxSamples) {
                throw new InvalidInputException(name + " runs past " + maxDurationMs + " ms, the duration limit");
            }
            if (count > block.length) {
                block = new short[count];
            }
            samples.get(block, 0, count);
            sink.accept(block, count);
            total += count;
        }
        long decodedMs = total * 1000 / SAMPLE_RATE;
        if (declaredMs > 0 && decodedMs + 1000 < declaredMs) {
            warnings.add(name + ": only " + TimeSpan.clock(decodedMs) + " (" + decodedMs + " ms) of its declared "
                    + declaredMs + " ms could be decoded; the file looks truncated");
        }
        if (log.count() > 0) {
            warnings.add(name + ": FFmpeg reported " + log.count() + " decoding error(s); the audio it could decode"
                    + " was kept. First: " + log.messages());
        }
        return new Result(total, warnings);
    }

    private String checkSource(Content content, String name) {
        Path path;
        URI url;
        if (content instanceof AudioContent) {
            path = ((AudioContent) content).path();
            url = ((AudioContent) content).url();
        } else if (content instanceof VideoContent) {
            path = ((VideoContent) content).path();
            url = ((VideoContent) content).url();
        } else {
            throw new UnsupportedModalityException("FfmpegAudioDecoder reads AUDIO and VIDEO, not "
                    + (content == null ? "null" : content.modality() + " (" + name + ")"));
        }
        if (url != null) {
            String scheme = url.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("file") && allowFileUrls) {
                return Path.of(url).toString();
            }
            if (!REMOTE.contains(scheme)) {
                throw new InvalidInputException(name + ": URL scheme '" + scheme + "' is refused; only http and https"
                        + " URLs are read (give a local file as a path)");
            }
            return url.toString();
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidInputException(name + " does not exist or is not a regular file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(Math.max(AudioFormat.SIGNATURE_BYTES, VideoFormat.SIGNATURE_BYTES));
        } catch (IOException e) {
            throw new InvalidInputException(name + " cannot be read: " + e.getMessage(), e);
        }
        if (head.length == 0) {
            throw new InvalidInputException(name + " is empty");
        }
        if (AudioFormat.detect(head).isEmpty() && VideoFormat.detect(head).isEmpty()) {
            throw new InvalidInputException(name + " is not an audio or video file: its first bytes start no known"
                    + " container (expected WAV, FLAC, MP3, M4A/MP4, Ogg, WebM/MKV, MOV or AVI)");
        }
        return path.toAbsolutePath().toString();
    }

    private static String errors(FfmpegLog.Session log) {
        return log.count() == 0 ? "" : " (FFmpeg: " + String.join("; ", log.messages()) + ")";
    }

    @Override
    public String toString() {
        return "FfmpegAudioDecoder[maxDurationMs=" + maxDurationMs + ", allowFileUrls=" + allowFileUrls + "]";
    }

    /**
     * Configures an {@link FfmpegAudioDecoder}; every default is in the class javadoc.
     *
     * <p>Thread-safety: not thread-safe; use from one thread.
     */
    public static final class Builder {
        private long maxDurationMs = DEFAULT_MAX_DURATION_MS;
        private boolean allowFileUrls;

        private Builder() {
        }

        /**
         * @param ms the longest recording decoded (default {@value #DEFAULT_MAX_DURATION_MS}); positive
         * @return this builder
         */
        public Builder maxDurationMs(long ms) {
            if (ms <= 0) {
                throw new InvalidInputException("maxDurationMs is " + ms + "; expected a positive duration");
            }
            this.maxDurationMs = ms;
            return this;
        }

        /**
         * @param allow whether a {@code file:} URL is read (default false: only http and https URLs; local files are
         *     given as paths, so that a URL from a catalogue cannot point the decoder at a local file)
         * @return this builder
         */
        public Builder allowFileUrls(boolean allow) {
            this.allowFileUrls = allow;
            return this;
        }

        /** @return the decoder */
        public FfmpegAudioDecoder build() {
            return new FfmpegAudioDecoder(this);
        }
    }
}
