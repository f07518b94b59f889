package dev.mmrag.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.EncodingListener;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.api.Vectors;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A CLIP {@link Encoder} on ONNX Runtime: texts and images into one embedding space, reproducing Hugging Face's
 * reference implementation (its tokenizer, its {@code CLIPImageProcessor} preprocessing, the exported model).
 *
 * <pre>{@code
 * try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Path.of("assets/models/mini-clip")).build()) {
 *     float[] text = clip.encode(Content.text("a red striped t-shirt"));
 *     float[] image = clip.encode(ImageContent.of(Path.of("photo.jpg")));
 *     double similarity = Metric.COSINE.score(text, image);
 * }
 * }</pre>
 *
 * <p><b>The model directory</b> has the layout of common CLIP ONNX distributions: {@code config.json} (the
 * embedding size is its {@code projection_dim}; the token limit is {@code text_config.max_position_embeddings},
 * 77 when absent), {@code preprocessor_config.json} (see {@link ClipImagePreprocessor}), {@code tokenizer.json},
 * {@code onnx/text_model.onnx} and {@code onnx/vision_model.onnx} (or the {@code *_quantized.onnx} files, see
 * {@link ModelVariant}). Everything is checked at {@link Builder#build()}: a missing file, a file name that escapes
 * the directory (by {@code ..}, an absolute path or a symbolic link), a model whose inputs or outputs do not match,
 * an embedding size that disagrees with {@code config.json} (a model that declares its embedding size symbolic is
 * run once on a dummy input to find it), an unsupported preprocessing setting; each gives an
 * {@link InvalidInputException} naming the file and the problem.
 *
 * <p><b>Texts</b> are tokenized with the directory's CLIP tokenizer; a text longer than the model's limit is cut
 * to 77 tokens ending with {@code <|endoftext|>}, as the reference does, and the truncation is reported to the
 * {@link EncodingListener} of {@link #encode(List, EncodingListener)} (it is not an error).
 *
 * <p><b>Images</b> are untrusted input: only regular files are read (not a FIFO or a device, also through a
 * symbolic link), a file over the byte limit is refused before it is read, the format (JPEG, PNG, GIF, BMP, WebP)
 * is detected from the first bytes, the width and height are read from the header and an image over the pixel
 * limit is refused before decoding, and a file that cannot be read or decoded gives an
 * {@link InvalidInputException} naming it (never quoting its bytes). CMYK and YCCK JPEGs are converted to RGB as
 * Pillow converts them, and a JPEG's EXIF orientation is applied (see {@link Builder#exifOrientation(boolean)}). Images are decoded and
 * preprocessed on a small thread pool, the next batch while the model runs the current one (the first batch of
 * images is a quarter of the batch size, so that the model starts early). The sample values equal Pillow's
 * byte for byte for JPEG, PNG, GIF and BMP; see {@link ClipImagePreprocessor}. Starting the JVM with
 * {@code --add-modules jdk.incubator.vector} makes the resize use the Java Vector API (same values, about a third
 * less CPU time per catalogue image).
 *
 * <p>The DJL tokenizer binding would call an AWS telemetry endpoint when the tokenizer is created; unless the
 * environment variable or system property {@code OPT_OUT_TRACKING} is already set, this class sets the system
 * property {@code OPT_OUT_TRACKING=true} first, so that the encoder makes no network call.
 *
 * <p><b>Defaults</b> (see {@link Builder}): {@link ModelVariant#FULL}; both modalities; batches of
 * {@value #DEFAULT_BATCH_SIZE}; ONNX Runtime intra-op threads = the number of available processors, not spinning
 * ({@value #DEFAULT_INTRA_OP_SPINNING}, see {@link Builder#intraOpSpinning(boolean)}); graph optimisation
 * {@link OptimizationLevel#ALL}; image preprocessing threads = the number of available processors;
 * pixel limit {@value ClipImagePreprocessor#DEFAULT_MAX_PIXELS} (100 Mpx); image byte limit
 * {@value ClipImagePreprocessor#DEFAULT_MAX_BYTES} (128 MiB); EXIF orientation applied; outputs
 * {@value #DEFAULT_TEXT_OUTPUT} and {@value #DEFAULT_IMAGE_OUTPUT}; vectors L2-normalised.
 *
 * <p><b>Thread-safety:</b> safe for concurrent use; sessions, the tokenizer and the thread pool are shared by all
 * calls. {@link #close()} waits for running calls to finish; calls after it throw {@link EncodingException}.
 */
public final class ClipOnnxEncoder implements Encoder {

    /** The default number of texts or images run through the model at once. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /**
     * Whether ONNX Runtime's intra-op threads spin while waiting for work, by default: no (ONNX Runtime's own
     * default is yes). Measured with {@code ClipEncoderBenchmark} on 2 shared cores, turning spinning off made
     * image encoding 1.3 to 2.4 times faster and text encoding 2.3 to 3.7 times faster (ONNX Runtime alone: 1.6
     * to 2.6 times), because spinning threads take
     * the CPU that image decoding and the other sessions' threads need.
     */
    public static final boolean DEFAULT_INTRA_OP_SPINNING = false;
    /** The default name of the text model's embedding output. */
    public static final String DEFAULT_TEXT_OUTPUT = "text_embeds";
    /** The default name of the vision model's embedding output. */
    public static final String DEFAULT_IMAGE_OUTPUT = "image_embeds";

    private static final String CONFIG = "config.json";
    private static final int DEFAULT_MAX_TOKENS = 77;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String description;
    private final int dimension;
    private final Set<Modality> modalities;
    private final int batchSize;
    private final boolean normalize;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textModel;
    private final ClipImagePreprocessor preprocessor;
    private final ClipVisionModel visionModel;
    private final ExecutorService preprocessing;
    private final Deque<FloatBuffer> freeBatchBuffers = new ArrayDeque<>();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    private final int maxTokens;

    private ClipOnnxEncoder(Builder builder) {
        ModelDirectory directory = ModelDirectory.open(builder.modelDirectory);
        this.description = "ClipOnnxEncoder[" + directory + ", " + builder.variant + "]";
        this.modalities = Set.copyOf(builder.modalities);
        this.batchSize = builder.batchSize;
        this.normalize = builder.normalize;
        JsonConfig config = directory.json(CONFIG);
        this.dimension = config.positiveInt("projection_dim");
        int maxTokens = config.has("text_config")
                ? config.object("text_config").positiveInt("max_position_embeddings", DEFAULT_MAX_TOKENS)
                : DEFAULT_MAX_TOKENS;
        this.maxTokens = maxTokens;
        try {
            OrtSession.SessionOptions options = sessionOptions(builder);
            resources.add(options);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            if (modalities.contains(Modality.TEXT)) {
                String file = builder.textModelFile != null ? builder.textModelFile : builder.variant.textModel();
                tokenizer = own(ClipTokenizer.load(directory.file(ClipTokenizer.FILE), maxTokens));
                textModel = own(ClipTextModel.of(OnnxModel.load(environment, options, directory.file(file), file),
                        builder.textOutput, dimension, maxTokens));
            } else {
                tokenizer = null;
                textModel = null;
            }
            if (modalities.contains(Modality.IMAGE)) {
                String file = builder.visionModelFile != null ? builder.visionModelFile : builder.variant.visionModel();
                preprocessing = Executors.newFixedThreadPool(builder.preprocessingThreads, daemonThreads());
                preprocessor = new ClipImagePreprocessor(PreprocessorConfig.from(directory.json(PreprocessorConfig.FILE)),
                        new ImageDecoder(builder.maxPixels, builder.maxImageBytes, builder.exifOrientation),
                        new PilBicubicResize.Threads(preprocessing, builder.preprocessingThreads));
                visionModel = own(ClipVisionModel.of(OnnxModel.load(environment, options, directory.file(file), file),
                        builder.imageOutput, dimension, preprocessor.height(), preprocessor.width()));
            } else {
                preprocessor = null;
                visionModel = null;
                preprocessing = null;
            }
        } catch (RuntimeException e) {
            closeResources(e);
            throw e;
        }
    }

    /**
     * @param modelDirectory a CLIP model directory (see the class description)
     * @return a builder with every option at its default
     */
    public static Builder builder(Path modelDirectory) {
        return new Builder(modelDirectory);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /**
     * Counts a text's tokens with the model's own CLIP tokenizer, start and end tokens included, without cutting it,
     * so that a caller (an audio segmenter making transcript windows) can keep texts within
     * {@link #maxTextTokens()} instead of having them truncated.
     *
     * @param text a text
     * @return its token count, start and end tokens included
     * @throws UnsupportedModalityException when this encoder has no text model
     */
    public int countTextTokens(String text) {
        if (tokenizer == null) {
            throw new UnsupportedModalityException("this CLIP encoder has no text model, so it counts no tokens");
        }
        return tokenizer.tokenize(text == null ? "" : text).originalLength();
    }

    /** @return the most tokens a text is embedded with (start and end included; 77 for CLIP) */
    public int maxTextTokens() {
        return maxTokens;
    }

    @Override
    public Set<Modality> modalities() {
        return modalities;
    }

    @Override
    public List<float[]> encode(List<? extends Content> contents) {
        return encode(contents, EncodingListener.NONE);
    }

    /**
     * Encodes texts and images in batches of the configured size. A text longer than the model's token limit is
     * truncated as the reference does, and reported to the listener (on the calling thread) with its index.
     *
     * @param contents texts and images, in any mix
     * @param listener receives a warning for every truncated text
     * @return one vector per content, in order; L2-normalised unless configured otherwise
     * @throws UnsupportedModalityException when a content's modality was not enabled; nothing is encoded then
     * @throws InvalidInputException when a content is null or an image cannot be read, naming it
     * @throws EncodingException when ONNX Runtime fails, or the encoder is closed
     */
    @Override
    public List<float[]> encode(List<? extends Content> contents, EncodingListener listener) {
        if (contents == null) {
            throw new InvalidInputException("contents must not be null");
        }
        EncodingListener warnings = listener != null ? listener : EncodingListener.NONE;
        List<Integer> texts = new ArrayList<>();
        List<Integer> images = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            Content content = contents.get(i);
            if (content == null) {
                throw new InvalidInputException("content " + i + " is null");
            }
            if (!modalities.contains(content.modality())) {
                throw new UnsupportedModalityException(description + " does not embed " + content.modality()
                        + " (content " + i + ", " + content.describe() + "); it was built for " + modalities);
            }
            (content.modality() == Modality.TEXT ? texts : images).add(i);
        }
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new EncodingException(description + " is closed");
            }
            float[][] vectors = new float[contents.size()][];
            encodeTexts(contents, texts, warnings, vectors);
            encodeImages(contents, images, vectors);
            if (normalize) {
                for (float[] vector : vectors) {
                    Vectors.normalizeInPlace(vector);
                }
            }
            return List.of(vectors);
        } finally {
            lock.unlock();
        }
    }

    private void encodeTexts(List<? extends Content> contents, List<Integer> indices, EncodingListener listener,
            float[][] vectors) {
        for (List<Integer> chunk : partition(indices, batchSize)) {
            List<long[]> ids = new ArrayList<>(chunk.size());
            for (int index : chunk) {
                TextContent text = (TextContent) contents.get(index);
                ClipTokenizer.Tokens tokens = tokenizer.tokenize(text.text());
                if (tokens.truncated()) {
                    listener.onWarning(index, text, "text truncated from " + tokens.originalLength() + " to "
                            + tokens.ids().length + " tokens, the model's limit");
                }
                ids.add(tokens.ids());
            }
            store(chunk, textModel.embed(ids, tokenizer.endId()), vectors);
        }
    }

    /**
     * Runs batch n through the model while the pool decodes and preprocesses batch n + 1. The first batch is a
     * quarter of the batch size, so that the model starts early instead of waiting for a whole batch of images.
     */
    private void encodeImages(List<? extends Content> contents, List<Integer> indices, float[][] vectors) {
        int first = Math.min(indices.size(), Math.max(1, batchSize / 4));
        List<List<Integer>> chunks = new ArrayList<>(partition(indices.subList(0, first), first));
        chunks.addAll(partition(indices.subList(first, indices.size()), batchSize));
        if (chunks.isEmpty()) {
            return;
        }
        PreparedBatch next = prepare(contents, chunks.get(0));
        try {
            for (int b = 0; b < chunks.size(); b++) {
                PreparedBatch current = next;
                next = b + 1 < chunks.size() ? prepare(contents, chunks.get(b + 1)) : null;
                FloatBuffer pixels = current.await();
                store(chunks.get(b), visionModel.embed(pixels, chunks.get(b).size()), vectors);
                current.release();
            }
        } finally {
            if (next != null) {
                next.cancel();
            }
        }
    }

    private PreparedBatch prepare(List<? extends Content> contents, List<Integer> chunk) {
        int floats = preprocessor.floatsPerImage();
        FloatBuffer buffer = chunk.size() == batchSize ? takeBatchBuffer() : OnnxModel.directFloats(chunk.size() * floats);
        List<Future<?>> tasks = new ArrayList<>(chunk.size());
        for (int k = 0; k < chunk.size(); k++) {
            ImageContent image = (ImageContent) contents.get(chunk.get(k));
            int offset = k * floats;
            tasks.add(preprocessing.submit(() -> preprocessor.preprocess(image, buffer, offset)));
        }
        return new PreparedBatch(buffer, tasks, chunk.size() == batchSize);
    }

    private FloatBuffer takeBatchBuffer() {
        synchronized (freeBatchBuffers) {
            FloatBuffer free = freeBatchBuffers.poll();
            if (free != null) {
                return free;
            }
        }
        return OnnxModel.directFloats(batchSize * preprocessor.floatsPerImage());
    }

    private static List<List<Integer>> partition(List<Integer> indices, int size) {
        List<List<Integer>> chunks = new ArrayList<>();
        for (int from = 0; from < indices.size(); from += size) {
            chunks.add(indices.subList(from, Math.min(from + size, indices.size())));
        }
        return chunks;
    }

    private static void store(List<Integer> chunk, float[][] embeddings, float[][] vectors) {
        for (int k = 0; k < chunk.size(); k++) {
            vectors[chunk.get(k)] = embeddings[k];
        }
    }

    /**
     * Closes the ONNX Runtime sessions, the tokenizer and the preprocessing threads, after the calls that are
     * running have finished. Closing twice does nothing. It must not be called from an {@code EncodingListener}
     * of a running call: it would wait for that call, which waits for the listener.
     */
    @Override
    public void close() {
        Lock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeResources(null);
        } finally {
            lock.unlock();
        }
    }

    private void closeResources(RuntimeException failure) {
        if (preprocessing != null) {
            preprocessing.shutdownNow();
        }
        RuntimeException first = failure;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new EncodingException(description + ": cannot release " + resources.get(i) + ": " + e, e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (failure == null && first != null) {
            throw first;
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    private static OrtSession.SessionOptions sessionOptions(Builder builder) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(builder.intraOpThreads);
            options.setOptimizationLevel(builder.optimizationLevel.ortLevel());
            options.addConfigEntry("session.intra_op.allow_spinning", builder.spinning ? "1" : "0");
            return options;
        } catch (OrtException e) {
            options.close();
            throw new EncodingException("cannot set ONNX Runtime session options: " + e.getMessage(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "mmrag-clip-preprocess-" + pool + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return description;
    }

    /** The images of one batch being decoded and preprocessed into one direct buffer on the pool. */
    private final class PreparedBatch {
        private final FloatBuffer pixels;
        private final List<Future<?>> tasks;
        private final boolean pooled;

        PreparedBatch(FloatBuffer pixels, List<Future<?>> tasks, boolean pooled) {
            this.pixels = pixels;
            this.tasks = tasks;
            this.pooled = pooled;
        }

        /** Waits for every image; the first failure (in batch order) is thrown and the rest are cancelled. */
        FloatBuffer await() {
            for (Future<?> task : tasks) {
                try {
                    task.get();
                } catch (ExecutionException e) {
                    cancel();
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new EncodingException("image preprocessing failed: " + cause, cause);
                } catch (InterruptedException e) {
                    cancel();
                    Thread.currentThread().interrupt();
                    throw new EncodingException("interrupted while preprocessing images", e);
                }
            }
            return pixels;
        }

        /** Stops the images not started yet; the buffer is not reused, since running tasks may still write it. */
        void cancel() {
            tasks.forEach(task -> task.cancel(false));
        }

        /** Returns a full-size buffer for the next batch, once the model has read it. */
        void release() {
            if (pooled) {
                synchronized (freeBatchBuffers) {
                    if (freeBatchBuffers.size() < 2) {
                        freeBatchBuffers.push(pixels);
                    }
                }
            }
        }
    }

    /**
     * Configures a {@link ClipOnnxEncoder}. Every option has a default, written on its method. Not thread-safe.
     */
    public static final class Builder {
        private final Path modelDirectory;
        private ModelVariant variant = ModelVariant.FULL;
        private String textModelFile;
        private String visionModelFile;
        private String textOutput = DEFAULT_TEXT_OUTPUT;
        private String imageOutput = DEFAULT_IMAGE_OUTPUT;
        private Set<Modality> modalities = EnumSet.of(Modality.TEXT, Modality.IMAGE);
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int intraOpThreads = Runtime.getRuntime().availableProcessors();
        private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;
        private int preprocessingThreads = Runtime.getRuntime().availableProcessors();
        private long maxPixels = ClipImagePreprocessor.DEFAULT_MAX_PIXELS;
        private long maxImageBytes = ClipImagePreprocessor.DEFAULT_MAX_BYTES;
        private boolean exifOrientation = true;
        private boolean normalize = true;
        private boolean spinning = DEFAULT_INTRA_OP_SPINNING;

        private Builder(Path modelDirectory) {
            this.modelDirectory = modelDirectory;
        }

        /**
         * @param variant full precision or quantized model files; default {@link ModelVariant#FULL}
         * @return this builder
         */
        public Builder variant(ModelVariant variant) {
            this.variant = require(variant, "variant");
            return this;
        }

        /**
         * @param file the text model's file name inside the model directory; default the variant's
         *     ({@code onnx/text_model.onnx})
         * @return this builder
         */
        public Builder textModelFile(String file) {
            this.textModelFile = require(file, "text model file");
            return this;
        }

        /**
         * @param file the vision model's file name inside the model directory; default the variant's
         *     ({@code onnx/vision_model.onnx})
         * @return this builder
         */
        public Builder visionModelFile(String file) {
            this.visionModelFile = require(file, "vision model file");
            return this;
        }

        /**
         * @param name the text model's embedding output; default {@value ClipOnnxEncoder#DEFAULT_TEXT_OUTPUT}
         * @return this builder
         */
        public Builder textOutput(String name) {
            this.textOutput = require(name, "text output");
            return this;
        }

        /**
         * @param name the vision model's embedding output; default {@value ClipOnnxEncoder#DEFAULT_IMAGE_OUTPUT}
         * @return this builder
         */
        public Builder imageOutput(String name) {
            this.imageOutput = require(name, "image output");
            return this;
        }

        /**
         * @param modalities the modalities to load models for, not empty; default text and image. A text-only
         *     encoder (for the query side of a search service, say) does not load the vision model
         * @return this builder
         */
        public Builder modalities(Set<Modality> modalities) {
            if (modalities == null || modalities.isEmpty()) {
                throw new InvalidInputException("modalities must not be null or empty, got " + modalities);
            }
            if (modalities.contains(Modality.VIDEO)) {
                throw new InvalidInputException("modalities " + modalities + " include VIDEO; CLIP embeds text and "
                        + "stills: cut a video into keyframes with a Segmenter (mmrag-ffmpeg) first");
            }
            this.modalities = EnumSet.copyOf(modalities);
            return this;
        }

        /**
         * @param batchSize the most texts or images run through a model at once, positive; default
         *     {@value ClipOnnxEncoder#DEFAULT_BATCH_SIZE}
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = positive(batchSize, "batch size");
            return this;
        }

        /**
         * @param threads ONNX Runtime's intra-op threads per session, positive; default the number of available
         *     processors
         * @return this builder
         */
        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = positive(threads, "intra-op threads");
            return this;
        }

        /**
         * @param spinning whether ONNX Runtime's intra-op threads spin while waiting for work (ONNX Runtime's
         *     {@code session.intra_op.allow_spinning}); default {@value #DEFAULT_INTRA_OP_SPINNING}, unlike ONNX
         *     Runtime's own default. Spinning can lower latency on an otherwise idle machine with cores to spare,
         *     but takes CPU time that image decoding on the same cores needs (see
         *     {@link #DEFAULT_INTRA_OP_SPINNING} for the measurement)
         * @return this builder
         */
        public Builder intraOpSpinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /**
         * @param level ONNX Runtime's graph optimisation level; default {@link OptimizationLevel#ALL}
         * @return this builder
         */
        public Builder optimizationLevel(OptimizationLevel level) {
            this.optimizationLevel = require(level, "optimization level");
            return this;
        }

        /**
         * @param threads threads that decode and preprocess images, positive; default the number of available
         *     processors. They are all the threads preprocessing uses: a large image's resize is split across
         *     them, never across a shared pool
         * @return this builder
         */
        public Builder preprocessingThreads(int threads) {
            this.preprocessingThreads = positive(threads, "preprocessing threads");
            return this;
        }

        /**
         * @param maxPixels the largest image (width x height) accepted, checked from the header before decoding,
         *     positive; default {@value ClipImagePreprocessor#DEFAULT_MAX_PIXELS} (100 Mpx)
         * @return this builder
         */
        public Builder maxPixels(long maxPixels) {
            ClipImagePreprocessor.checkMaxPixels(maxPixels);
            this.maxPixels = maxPixels;
            return this;
        }

        /**
         * @param maxBytes the largest encoded image accepted, in bytes, between 1 and {@code Integer.MAX_VALUE - 8};
         *     default {@value ClipImagePreprocessor#DEFAULT_MAX_BYTES} (128 MiB). A file over it is refused from
         *     its size before it is read, and no image is read past it
         * @return this builder
         */
        public Builder maxImageBytes(long maxBytes) {
            ClipImagePreprocessor.checkMaxBytes(maxBytes);
            this.maxImageBytes = maxBytes;
            return this;
        }

        /**
         * @param apply whether a JPEG's EXIF orientation is applied before preprocessing, turning a photo taken
         *     sideways upright as browsers show it; default true. The reference preprocessing (Hugging Face's, on
         *     Pillow) ignores the tag: turn this off for its exact values on such photos
         * @return this builder
         */
        public Builder exifOrientation(boolean apply) {
            this.exifOrientation = apply;
            return this;
        }

        /**
         * @param normalize whether vectors are scaled to unit length; default true (the models' raw outputs are
         *     not normalised, and cosine similarity and dot product agree only on unit vectors)
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Loads and checks the model directory.
         *
         * @return the encoder, which the caller must close
         * @throws InvalidInputException naming the file and the problem when the model directory is wrong
         * @throws EncodingException when ONNX Runtime cannot be set up
         */
        public ClipOnnxEncoder build() {
            return new ClipOnnxEncoder(this);
        }

        private static <T> T require(T value, String what) {
            if (value == null) {
                throw new InvalidInputException(what + " must not be null");
            }
            return value;
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new InvalidInputException(what + " must be positive, got " + value);
            }
            return value;
        }
    }
}
