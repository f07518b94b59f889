package dev.mmrag.ffmpeg;

import dev.mmrag.api.AudioContent;
import dev.mmrag.api.Content;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Segment;
import dev.mmrag.api.Segmentation;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.TimeSpan;
import dev.mmrag.api.Transcriber;
import dev.mmrag.api.TranscriptSegment;
import dev.mmrag.api.Transcription;
import dev.mmrag.api.TranscriptionRequest;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.api.VideoContent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Cuts what is said in an audio recording, or in a video's sound track, into time-coded text {@link Segment}s: the
 * sound is decoded by an {@link FfmpegAudioDecoder} to 16 kHz mono PCM (streamed), cut into pieces the
 * {@link Transcriber} takes (at most its {@link Transcriber#maxPieceMs()} and this segmenter's
 * {@link Builder#maxPieceMs(long)}), preferably in a silence near the end of each piece, each next piece starting
 * {@link Builder#overlapMs(long)} before the cut so no word is lost at a cut; each piece is transcribed, its times put
 * back onto the whole recording, and a passage is kept only from the piece that owns its middle (the part between
 * the previous cut and its own), so the text of an overlap is not indexed twice. Pieces with no sound above the
 * silence level are not sent.
 *
 * <p>The passages are then merged into windows that fit the text encoder: consecutive passages are joined while the
 * window stays within {@link Builder#maxTokens(int)} tokens (counted by {@link Builder#tokenCounter}, by default a
 * conservative estimate of CLIP's tokenizer, or the encoder's own: {@code ClipOnnxEncoder::countTextTokens}), no gap
 * between passages is longer than {@link Builder#maxGapMs(long)} and the window no longer than
 * {@link Builder#maxWindowMs(long)}; a passage too long on its own is split at words, its time shared by characters.
 * Nothing is cut silently. Each window is a segment whose content is its words (a {@link TextContent}) and which has
 * no keyframe: {@code MultimodalRag} keeps those words in the item's stored metadata and returns spoken moments.
 *
 * <p>A silent recording gives no segments (a warning says no speech was heard), not an error. A video without an
 * audio stream gives no segments and a warning; an audio content without one is an {@link InvalidInputException}.
 *
 * <p>Defaults: maximum piece 10 min (and the transcriber's limit: 13.6 min for OpenAI's 25 MB), overlap 1000 ms,
 * silence search over the last 30 s of a piece, silence level RMS 300 (about -40 dBFS) over 20 ms frames,
 * 75 tokens a window (CLIP's 77 minus start and end), gap 2000 ms, window 30 s, no language hint.
 *
 * <p>Thread-safety: immutable; safe for concurrent use when the transcriber and token counter are.
 */
public final class FfmpegAudioSegmenter implements Segmenter {

    /** The default longest piece sent to the transcriber, in milliseconds. */
    public static final long DEFAULT_MAX_PIECE_MS = 10 * 60_000;
    /** The default overlap between consecutive pieces, in milliseconds. */
    public static final long DEFAULT_OVERLAP_MS = 1000;
    /** The default token budget of a window: CLIP's 77 minus its start and end tokens. */
    public static final int DEFAULT_MAX_TOKENS = 75;

    private static final int FRAME = FfmpegAudioDecoder.SAMPLE_RATE / 50;
    private static final int RATE = FfmpegAudioDecoder.SAMPLE_RATE;

    private final Transcriber transcriber;
    private final FfmpegAudioDecoder decoder;
    private final long maxPieceMs;
    private final long overlapMs;
    private final long searchMs;
    private final double silenceRms;
    private final int maxTokens;
    private final ToIntFunction<String> tokenCounter;
    private final long maxGapMs;
    private final long maxWindowMs;
    private final String language;

    private FfmpegAudioSegmenter(Builder b) {
        this.transcriber = b.transcriber;
        this.decoder = b.decoder;
        this.maxPieceMs = Math.min(b.maxPieceMs, transcriber.maxPieceMs());
        if (maxPieceMs < 10_000 || maxPieceMs < 8 * b.overlapMs) {
            throw new InvalidInputException("pieces of at most " + maxPieceMs + " ms (transcriber " + transcriber
                    + ") are too short; expected at least 10 s and 8 x the overlap of " + b.overlapMs + " ms");
        }
        this.overlapMs = b.overlapMs;
        this.searchMs = Math.min(b.searchMs, maxPieceMs / 4);
        this.silenceRms = b.silenceRms;
        this.maxTokens = b.maxTokens;
        this.tokenCounter = b.tokenCounter;
        this.maxGapMs = b.maxGapMs;
        this.maxWindowMs = b.maxWindowMs;
        this.language = b.language;
    }

    /**
     * @param transcriber turns the pieces' speech into timed text
     * @return a builder
     */
    public static Builder builder(Transcriber transcriber) {
        return new Builder(transcriber);
    }

    @Override
    public Set<Modality> modalities() {
        return Set.of(Modality.AUDIO, Modality.VIDEO);
    }

    /** @return the longest piece sent to the transcriber, in milliseconds */
    public long maxPieceMs() {
        return maxPieceMs;
    }

    @Override
    public Segmentation segment(Content content) {
        if (!(content instanceof AudioContent) && !(content instanceof VideoContent)) {
            throw new UnsupportedModalityException("FfmpegAudioSegmenter cuts AUDIO and VIDEO, not "
                    + (content == null ? "null" : content.modality() + " (" + content.describe() + ")"));
        }
        Transcript transcript = transcribe(content);
        if (transcript == null) {
            return new Segmentation(List.of(), List.of(content.describe()
                    + " has no audio stream; no spoken moments"), 0);
        }
        List<String> warnings = new ArrayList<>(transcript.warnings);
        if (transcript.passages.isEmpty()) {
            warnings.add("no speech was heard in " + content.describe());
        }
        List<Segment> segments = new ArrayList<>();
        for (Window w : windows(transcript.passages)) {
            segments.add(new Segment(new TimeSpan(w.startMs, w.endMs), new TextContent(w.text), null));
        }
        return new Segmentation(segments, warnings, transcript.durationMs);
    }

    /**
     * Decodes and transcribes a content's speech, without making windows: the passages of the whole recording in
     * time order, each said once. A voice question is transcribed with this.
     *
     * @param content an audio or video content
     * @return what was said, times on the whole recording, with the warnings of decoding and transcription
     * @throws InvalidInputException for bad input (including an audio content without audio stream)
     */
    public Transcription transcript(Content content) {
        Transcript t = transcribe(content);
        if (t == null) {
            throw new InvalidInputException(content.describe() + " has no audio stream");
        }
        return new Transcription(t.passages, t.language, t.warnings);
    }

    /** @return the transcript, or null for a video without audio stream */
    private Transcript transcribe(Content content) {
        Pieces pieces = new Pieces(content.describe());
        FfmpegAudioDecoder.Result result;
        try {
            result = decoder.decode(content, pieces::add);
        } catch (InvalidInputException e) {
            if (content instanceof VideoContent && String.valueOf(e.getMessage()).contains("has no audio stream")) {
                return null;
            }
            throw e;
        }
        pieces.finish();
        Transcript t = pieces.transcript;
        t.warnings.addAll(0, result.warnings());
        t.durationMs = result.durationMs();
        return t;
    }

    private static final class Transcript {
        final List<TranscriptSegment> passages = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        String language;
        long durationMs;
    }

    /** Collects the decoded samples into pieces and transcribes each when it is full. Not thread-safe. */
    private final class Pieces {
        private final String name;
        private final int maxSamples = (int) (maxPieceMs * RATE / 1000);
        private final int overlapSamples = (int) (overlapMs * RATE / 1000);
        private short[] buffer = new short[Math.min(maxSamples, RATE * 60)];
        private int size;
        /** Absolute sample index of buffer[0]. */
        private long start;
        /** Absolute sample index where this piece's owned part begins (the previous cut). */
        private long ownedFrom;
        final Transcript transcript = new Transcript();

        Pieces(String name) {
            this.name = name;
        }

        void add(short[] samples, int count) {
            int at = 0;
            while (at < count) {
                int n = Math.min(count - at, maxSamples - size);
                if (size + n > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(maxSamples, Math.max(size + n, buffer.length * 2)));
                }
                System.arraycopy(samples, at, buffer, size, n);
                size += n;
                at += n;
                if (size == maxSamples) {
                    cut();
                }
            }
        }

        private void cut() {
            int searchFrom = Math.max(overlapSamples * 2, size - (int) (searchMs * RATE / 1000));
            int cutAt = quietest(searchFrom, size);
            long cutAbs = start + cutAt;
            send(size, cutAbs);
            int keepFrom = cutAt - overlapSamples;
            System.arraycopy(buffer, keepFrom, buffer, 0, size - keepFrom);
            size -= keepFrom;
            start += keepFrom;
            ownedFrom = cutAbs;
        }

        void finish() {
            if (size > 0) {
                send(size, Long.MAX_VALUE);
            }
        }

        /** Transcribes buffer[0, length) and keeps the passages whose middle lies in [ownedFrom, ownedTo). */
        private void send(int length, long ownedTo) {
            if (!hasSound(0, length)) {
                return;
            }
            long offsetMs = start * 1000 / RATE;
            String where = name + " at " + TimeSpan.clock(offsetMs);
            Transcription t = transcriber.transcribe(new TranscriptionRequest(Arrays.copyOf(buffer, length), RATE,
                    language, where));
            transcript.warnings.addAll(t.warnings());
            if (transcript.language == null) {
                transcript.language = t.language();
            }
            long fromMs = ownedFrom * 1000 / RATE;
            long toMs = ownedTo == Long.MAX_VALUE ? Long.MAX_VALUE : ownedTo * 1000 / RATE;
            long pieceEnd = offsetMs + (long) length * 1000 / RATE;
            for (TranscriptSegment s : t.segments()) {
                TranscriptSegment placed = s.shifted(offsetMs);
                if (placed.endMs() > pieceEnd) {
                    placed = new TranscriptSegment(placed.startMs(), pieceEnd, placed.text(), placed.language(),
                            placed.confidence());
                }
                long middle = (placed.startMs() + placed.endMs()) / 2;
                if (middle < fromMs || middle >= toMs) {
                    continue;
                }
                List<TranscriptSegment> kept = transcript.passages;
                if (!kept.isEmpty() && placed.startMs() < kept.get(kept.size() - 1).startMs()) {
                    transcript.warnings.add(where + ": passage at " + placed.startMs() + " ms starts before the"
                            + " previous one; dropped");
                    continue;
                }
                kept.add(placed);
            }
        }

        private boolean hasSound(int from, int to) {
            for (int f = from; f + FRAME <= to; f += FRAME) {
                if (rms(f) >= silenceRms) {
                    return true;
                }
            }
            return false;
        }

        /** The middle of the longest run of quiet frames in [from, to), or the quietest frame when none is quiet. */
        private int quietest(int from, int to) {
            int bestRunStart = -1;
            int bestRunLength = 0;
            int runStart = -1;
            double lowest = Double.MAX_VALUE;
            int lowestAt = to - FRAME;
            for (int f = from; f + FRAME <= to; f += FRAME) {
                double r = rms(f);
                if (r < lowest) {
                    lowest = r;
                    lowestAt = f;
                }
                if (r < silenceRms) {
                    if (runStart < 0) {
                        runStart = f;
                    }
                    int length = f + FRAME - runStart;
                    if (length > bestRunLength) {
                        bestRunLength = length;
                        bestRunStart = runStart;
                    }
                } else {
                    runStart = -1;
                }
            }
            return bestRunStart >= 0 ? bestRunStart + bestRunLength / 2 : lowestAt + FRAME / 2;
        }

        private double rms(int from) {
            double sum = 0;
            for (int i = from; i < from + FRAME; i++) {
                sum += (double) buffer[i] * buffer[i];
            }
            return Math.sqrt(sum / FRAME);
        }
    }

    private record Window(long startMs, long endMs, String text) {
    }

    /** Merges passages into windows within the token budget; splits a passage too long on its own. */
    List<Window> windows(List<TranscriptSegment> passages) {
        List<Window> out = new ArrayList<>();
        Window open = null;
        for (TranscriptSegment p : passages) {
            for (Window part : split(p)) {
                if (open != null && part.startMs - open.endMs <= maxGapMs
                        && part.endMs - open.startMs <= maxWindowMs
                        && tokenCounter.applyAsInt(open.text + " " + part.text) <= maxTokens) {
                    open = new Window(open.startMs, Math.max(open.endMs, part.endMs), open.text + " " + part.text);
                } else {
                    if (open != null) {
                        out.add(open);
                    }
                    open = part;
                }
            }
        }
        if (open != null) {
            out.add(open);
        }
        return out;
    }

    private List<Window> split(TranscriptSegment p) {
        if (tokenCounter.applyAsInt(p.text()) <= maxTokens) {
            return List.of(new Window(p.startMs(), p.endMs(), p.text()));
        }
        String[] words = p.text().split("\\s+");
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String word : words) {
            String candidate = current.length() == 0 ? word : current + " " + word;
            if (current.length() > 0 && tokenCounter.applyAsInt(candidate) > maxTokens) {
                parts.add(current.toString());
                current = new StringBuilder(word);
            } else {
                current = new StringBuilder(candidate);
            }
            if (tokenCounter.applyAsInt(current.toString()) > maxTokens) {
                // one "word" over the budget (a long run without spaces): cut it by characters
                String w = current.toString();
                int step = Math.max(1, w.length() * maxTokens / Math.max(1, tokenCounter.applyAsInt(w)) - 1);
                while (w.length() > step && tokenCounter.applyAsInt(w) > maxTokens) {
                    parts.add(w.substring(0, step));
                    w = w.substring(step);
                }
                current = new StringBuilder(w);
            }
        }
        if (current.length() > 0) {
            parts.add(current.toString());
        }
        long total = 0;
        for (String part : parts) {
            total += part.length();
        }
        List<Window> out = new ArrayList<>();
        long done = 0;
        long span = p.endMs() - p.startMs();
        for (String part : parts) {
            long s = p.startMs() + span * done / Math.max(1, total);
            done += part.length();
            long e = p.startMs() + span * done / Math.max(1, total);
            out.add(new Window(s, e, part));
        }
        return out;
    }

    /**
     * A conservative estimate of a text's CLIP token count, start and end tokens excluded: every run of letters counts
     * one token per three letters (at least one), every digit one, every run of other non-space characters one per
     * character. CLIP's BPE gives common English words one token, so this overestimates; the encoder's own count
     * ({@code ClipOnnxEncoder::countTextTokens}, which includes start and end) is tighter.
     *
     * @param text a text
     * @return the estimate
     */
    public static int estimateClipTokens(String text) {
        int tokens = 0;
        int letters = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
                continue;
            }
            if (letters > 0) {
                tokens += (letters + 2) / 3;
                letters = 0;
            }
            if (!Character.isWhitespace(c)) {
                tokens++;
            }
        }
        if (letters > 0) {
            tokens += (letters + 2) / 3;
        }
        return tokens;
    }

    @Override
    public String toString() {
        return "FfmpegAudioSegmenter[" + transcriber + ", maxPieceMs=" + maxPieceMs + ", overlapMs=" + overlapMs
                + ", maxTokens=" + maxTokens + "]";
    }

    /**
     * Configures an {@link FfmpegAudioSegmenter}; every default is in the class javadoc.
     *
     * <p>Thread-safety: not thread-safe; use from one thread.
     */
    public static final class Builder {
        private final Transcriber transcriber;
        private FfmpegAudioDecoder decoder = FfmpegAudioDecoder.create();
        private long maxPieceMs = DEFAULT_MAX_PIECE_MS;
        private long overlapMs = DEFAULT_OVERLAP_MS;
        private long searchMs = 30_000;
        private double silenceRms = 300;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private ToIntFunction<String> tokenCounter = FfmpegAudioSegmenter::estimateClipTokens;
        private long maxGapMs = 2000;
        private long maxWindowMs = 30_000;
        private String language;

        private Builder(Transcriber transcriber) {
            if (transcriber == null) {
                throw new InvalidInputException("an audio segmenter needs a transcriber");
            }
            this.transcriber = transcriber;
        }

        /**
         * @param decoder decodes the sound (default {@link FfmpegAudioDecoder#create()}: 4 h limit, no file URLs)
         * @return this builder
         */
        public Builder decoder(FfmpegAudioDecoder decoder) {
            this.decoder = java.util.Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        /**
         * @param ms the longest piece sent (default {@value #DEFAULT_MAX_PIECE_MS}); the transcriber's own limit
         *     applies too; at least 10 s and 8 x the overlap
         * @return this builder
         */
        public Builder maxPieceMs(long ms) {
            this.maxPieceMs = ms;
            return this;
        }

        /**
         * @param ms how far each next piece starts before the cut (default {@value #DEFAULT_OVERLAP_MS}); 0 or more
         * @return this builder
         */
        public Builder overlapMs(long ms) {
            if (ms < 0) {
                throw new InvalidInputException("overlapMs is " + ms + "; expected 0 or more");
            }
            this.overlapMs = ms;
            return this;
        }

        /**
         * @param rms the RMS level (of 16-bit samples, over 20 ms) under which a frame counts as silence
         *     (default 300); positive
         * @return this builder
         */
        public Builder silenceRms(double rms) {
            if (!(rms > 0)) {
                throw new InvalidInputException("silenceRms is " + rms + "; expected a positive level");
            }
            this.silenceRms = rms;
            return this;
        }

        /**
         * @param tokens the most tokens a window's text may count (default {@value #DEFAULT_MAX_TOKENS}); positive
         * @param counter counts a text's tokens the way the text encoder does (default
         *     {@link FfmpegAudioSegmenter#estimateClipTokens}); with {@code ClipOnnxEncoder::countTextTokens},
         *     which counts start and end, give 77
         * @return this builder
         */
        public Builder tokens(int tokens, ToIntFunction<String> counter) {
            if (tokens < 4) {
                throw new InvalidInputException("maxTokens is " + tokens + "; expected at least 4");
            }
            this.maxTokens = tokens;
            this.tokenCounter = java.util.Objects.requireNonNull(counter, "tokenCounter");
            return this;
        }

        /**
         * @param ms the longest silence joined inside one window (default 2000); 0 or more
         * @return this builder
         */
        public Builder maxGapMs(long ms) {
            this.maxGapMs = Math.max(0, ms);
            return this;
        }

        /**
         * @param ms the longest window (default 30000); positive
         * @return this builder
         */
        public Builder maxWindowMs(long ms) {
            if (ms <= 0) {
                throw new InvalidInputException("maxWindowMs is " + ms + "; expected a positive duration");
            }
            this.maxWindowMs = ms;
            return this;
        }

        /**
         * @param language an ISO-639-1 hint for the transcriber ({@code en}), or null to let it detect (default)
         * @return this builder
         */
        public Builder language(String language) {
            this.language = language;
            return this;
        }

        /** @return the segmenter */
        public FfmpegAudioSegmenter build() {
            return new FfmpegAudioSegmenter(this);
        }
    }
}
