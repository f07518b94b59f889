package dev.mmrag.examples;

import dev.mmrag.api.AudioContent;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.Segmenter;
import dev.mmrag.api.Transcription;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.CompositeSegmenter;
import dev.mmrag.examples.CommandLine.UsageException;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.ffmpeg.FfmpegAudioSegmenter;
import dev.mmrag.langchain4j.OpenAiTranscriber;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The Style Finder's audio options: {@code --transcriber openai --transcriber-url URL [--transcriber-model NAME]}
 * (the key from {@code MMRAG_TRANSCRIBER_API_KEY}, else {@code OPENAI_API_KEY}; never printed), which makes
 * {@code --videos DIR} also index the videos' sound tracks; {@code find --audio DIR} (audio files, by what is said
 * in them, next to the catalogue) and {@code find --voice question.wav} (the question is transcribed, printed as
 * heard, and searched for, alone or with {@code --image}).
 *
 * <p>Thread-safety: stateless.
 */
final class AudioCommands {

    /** The options this class reads. */
    static final Set<String> OPTIONS = Set.of("transcriber", "transcriber-url", "transcriber-model", "audio", "voice");

    /** The audio file names {@code --audio DIR} indexes. */
    static final Set<String> EXTENSIONS = Set.of("mp3", "m4a", "wav", "flac", "ogg", "opus", "aac", "webm");

    /** The longest voice question, in milliseconds: 2 minutes. */
    static final long MAX_VOICE_MS = 120_000;

    static final String USAGE = String.join("\n",
            "Audio (what is said is transcribed by an OpenAI-compatible server: OpenAI, Groq, whisper.cpp's",
            "whisper-server, faster-whisper servers, LocalAI, vLLM):",
            "  --transcriber openai --transcriber-url URL [--transcriber-model NAME]",
            "                     the server (e.g. https://api.openai.com/v1, http://localhost:8080/v1) and model",
            "                     (default whisper-1); key from MMRAG_TRANSCRIBER_API_KEY or OPENAI_API_KEY.",
            "                     With --videos, the videos' sound tracks are indexed too (spoken moments).",
            "  style-finder find ... --audio DIR     also index the audio files in DIR (mp3, m4a, wav, flac, ogg, opus)",
            "  style-finder find --voice FILE [--image PATH]   ask by voice: the answer shows what was heard",
            "");

    private AudioCommands() {
    }

    /** @return whether the command line names a transcriber */
    static boolean configured(CommandLine line) {
        return line.get("transcriber") != null;
    }

    /**
     * @param line the command line
     * @param env the environment (for the key)
     * @return the transcriber the options ask for
     */
    static OpenAiTranscriber transcriber(CommandLine line, Function<String, String> env) {
        String kind = line.get("transcriber");
        if (kind == null) {
            throw new UsageException("--audio, --voice and --transcriber-url need --transcriber openai");
        }
        if (!kind.equals("openai")) {
            throw new UsageException("--transcriber '" + kind + "' is not known; expected openai (any"
                    + " OpenAI-compatible transcription server)");
        }
        String url = line.get("transcriber-url");
        if (url == null) {
            throw new UsageException("--transcriber openai needs --transcriber-url URL (e.g. https://api.openai.com/v1"
                    + " or http://localhost:8080/v1)");
        }
        String key = env.apply("MMRAG_TRANSCRIBER_API_KEY");
        if (key == null || key.isBlank()) {
            key = env.apply("OPENAI_API_KEY");
        }
        OpenAiTranscriber.Builder builder = OpenAiTranscriber.builder(url).apiKey(key);
        if (line.get("transcriber-model") != null) {
            builder.model(line.get("transcriber-model"));
        }
        return builder.build();
    }

    /**
     * @param line the command line
     * @param encoder the text encoder whose tokenizer sizes the transcript windows
     * @param env the environment
     * @return the audio segmenter the options ask for
     */
    static FfmpegAudioSegmenter segmenter(CommandLine line, Encoder encoder, Function<String, String> env) {
        FfmpegAudioSegmenter.Builder builder = FfmpegAudioSegmenter.builder(transcriber(line, env));
        if (encoder instanceof ClipOnnxEncoder) {
            ClipOnnxEncoder clip = (ClipOnnxEncoder) encoder;
            builder.tokens(clip.maxTextTokens(), clip::countTextTokens);
        }
        return builder.build();
    }

    /**
     * The hook for {@code --videos}: with a transcriber, the videos' sound tracks are segmented too.
     *
     * @param line the command line
     * @param encoder the encoder
     * @param videos the video segmenter
     * @return the video segmenter, or it combined with the audio segmenter when a transcriber is configured
     */
    static Segmenter withSoundTrack(CommandLine line, Encoder encoder, Segmenter videos) {
        return configured(line) ? CompositeSegmenter.of(videos, segmenter(line, encoder, System::getenv)) : videos;
    }

    /**
     * {@code find --voice FILE}: transcribes the question and prints what was heard.
     *
     * @return the words heard
     */
    static String hear(CommandLine line, Encoder encoder, PrintStream out, Function<String, String> env) {
        Path voice = line.path("voice", null);
        Transcription heard = segmenter(line, encoder, env).transcript(AudioContent.of(voice));
        String text = heard.text().strip();
        if (text.isEmpty()) {
            throw new InvalidInputException("no speech was heard in " + voice + "; nothing to search for");
        }
        out.println("Heard: \"" + text + "\"");
        return text;
    }

    /**
     * {@code find ... --audio DIR}: indexes the catalogue, the audio files (and the videos, when given) into one exact
     * store and prints the answer.
     *
     * @return the exit code
     */
    static int find(CommandLine line, ClipOnnxEncoder encoder, dev.mmrag.api.Generator generator, Query query,
            VideoCommands.CatalogueIndexer catalogue, Consumer<MultimodalRag> print, PrintStream err) {
        if (line.get("index") != null) {
            throw new UsageException("find --audio indexes the catalogue itself; --index FILE cannot be combined with it");
        }
        Segmenter segmenter = segmenter(line, encoder, System::getenv);
        if (line.get("videos") != null) {
            segmenter = CompositeSegmenter.of(VideoCommands.segmenter(line), segmenter);
        }
        try (ExactVectorStore store = new ExactVectorStore(encoder.dimension(), Metric.COSINE)) {
            catalogue.index(line, encoder, store);
            MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).generator(generator)
                    .segmenter(segmenter).build();
            if (line.get("videos") != null) {
                VideoCommands.indexVideos(rag, line.path("videos", null), err);
            }
            indexAudio(rag, line.path("audio", null), err);
            print.accept(rag);
            return 0;
        }
    }

    /** Indexes the audio files of a folder (not its subfolders), each an item named after its file. */
    static IndexReport indexAudio(MultimodalRag rag, Path folder, PrintStream err) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("--audio " + folder + " is not a folder");
        }
        List<Item> items = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(Files::isRegularFile).sorted().forEach(f -> {
                String name = f.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    String id = "audio-" + name.replaceAll("[^A-Za-z0-9_.-]", "_");
                    items.add(new Item(id, List.of(AudioContent.of(f)), Map.of("title", name)));
                }
            });
        } catch (IOException e) {
            throw new InvalidInputException("--audio " + folder + " cannot be listed: " + e.getMessage(), e);
        }
        IndexReport report = rag.index(items);
        long segments = 0;
        for (Item item : items) {
            segments += rag.store().get(item.id()).map(VectorRecord::segments).map(List::size).orElse(0);
        }
        err.println("Indexed " + report.indexed() + " of " + report.total() + " audio files from " + folder + " as "
                + segments + " spoken passages in "
                + String.format(Locale.ROOT, "%.1f", report.elapsed().toMillis() / 1000.0) + " s");
        for (ItemFailure failure : report.failures()) {
            err.println("  skipped " + failure);
        }
        for (String warning : report.warnings()) {
            err.println("  warning: " + warning);
        }
        return report;
    }
}
