package dev.mmrag.examples.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mmrag.api.Content;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.TextContent;
import dev.mmrag.onnx.ClipImagePreprocessor;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.onnx.ModelVariant;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Throughput of {@link ClipOnnxEncoder} against ONNX Runtime alone, and the cost of preprocessing a large photo.
 *
 * <ol>
 *   <li>Encodes the 320 catalogue images from their JPEG files and 320 catalogue texts at batch sizes 1, 8 and 32.
 *       In the same run, and alternating with it, ONNX Runtime alone runs the vision model with the same session
 *       options on the same images already preprocessed into tensors (the baseline: no decoding, no
 *       preprocessing, no copies). The overhead ratio is our images/s divided by the baseline's.</li>
 *   <li>Measures the CPU time per image of decoding and preprocessing, and of ONNX Runtime alone, which bound
 *       the overhead ratio whatever else the machine is doing.</li>
 *   <li>Makes a 12-megapixel JPEG (a catalogue photo enlarged to 4000 x 3000 with noise, so that it compresses
 *       like a photo) and times decoding it alone (the JDK's JPEG reader, as the encoder calls it), decoding
 *       plus CLIP preprocessing (resize, crop, normalise) on one thread (a standalone
 *       {@link ClipImagePreprocessor} uses the calling thread alone), and encoding it with
 *       {@link ClipOnnxEncoder} (whose preprocessing splits a large image's resize across its threads).</li>
 * </ol>
 *
 * <p>Usage: {@code ClipEncoderBenchmark [--repeats N] [--intra-op-threads N] [--preprocessing-threads N]
 * [--spinning on|off] [--variant full|quantized] [--model DIR] [--catalog DIR]}. Defaults: 5 repeats (medians
 * are reported), the encoder's defaults for threads and spinning (the baseline gets the same session options),
 * the full-precision variant, and the bundled model and catalogue under
 * {@code assets/} of the working directory. The last line is
 * {@code RESULT images_per_s=.. texts_per_s=.. raw_ort_images_per_s=.. overhead_ratio=..} at batch 32.
 *
 * <p>Run it with and without {@code --add-modules jdk.incubator.vector} on the {@code java} command line: with it,
 * the resize uses the Java Vector API (the configuration line names the resize kernel).
 *
 * <p>Thread-safety: a program; not meant to be called concurrently.
 */
public final class ClipEncoderBenchmark {

    private static final int[] BATCH_SIZES = {1, 8, 32};

    private ClipEncoderBenchmark() {
    }

    /**
     * @param args see the class description
     * @throws Exception when the benchmark cannot run
     */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        List<Path> files;
        try (Stream<Path> list = Files.list(options.catalog.resolve("images"))) {
            files = list.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        List<Content> images = new ArrayList<>();
        files.forEach(f -> images.add(ImageContent.of(f)));
        List<Content> texts = new ArrayList<>();
        for (String line : Files.readAllLines(options.catalog.resolve("catalog.jsonl"))) {
            texts.add(new TextContent(jsonString(line, "description")));
        }

        System.out.println("ClipEncoderBenchmark");
        System.out.printf(Locale.ROOT, "  java %s on %s, %d available processors, max heap %d MiB%n",
                System.getProperty("java.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "  model %s, variant %s%n", options.model, options.variant);
        System.out.printf(Locale.ROOT, "  ONNX Runtime intra-op threads %d (spinning %s), graph optimisation ALL, "
                + "preprocessing threads %d, resize kernel %s%n", options.intraOpThreads,
                options.spinning ? "on" : "off", options.preprocessingThreads, ClipImagePreprocessor.resizeKernel());
        System.out.printf(Locale.ROOT, "  %d catalogue JPEGs (%s), %d texts (catalogue descriptions)%n", images.size(),
                options.catalog, texts.size());
        System.out.printf(Locale.ROOT, "  batch sizes %s; %d timed repeats after one warm-up, medians; ours and the "
                + "baseline alternate%n%n", Arrays.toString(BATCH_SIZES), options.repeats);

        ClipImagePreprocessor preprocessor = ClipImagePreprocessor.fromModelDirectory(options.model);
        float[][] pixels = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            pixels[i] = preprocessor.preprocess((ImageContent) images.get(i));
        }

        System.out.println("| batch | images/s (ours, from JPEG files) | images/s (ONNX Runtime alone) | overhead ratio "
                + "| texts/s |");
        System.out.println("|------:|------:|------:|------:|------:|");
        double[] last = null;
        for (int batch : BATCH_SIZES) {
            last = measure(options, batch, images, texts, pixels, preprocessor);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.3f | %.1f |%n", batch, last[0], last[1],
                    last[0] / last[1], last[2]);
        }

        System.out.println();
        cpuCosts(options, images, pixels, preprocessor);

        System.out.println();
        largePhoto(preprocessor, options);

        System.out.printf(Locale.ROOT, "%nRESULT images_per_s=%.1f texts_per_s=%.1f raw_ort_images_per_s=%.1f "
                + "overhead_ratio=%.3f%n", last[0], last[2], last[1], last[0] / last[1]);
    }

    /** @return {ours images/s, ONNX Runtime alone images/s, ours texts/s}, medians */
    private static double[] measure(Options options, int batch, List<Content> images, List<Content> texts,
            float[][] pixels, ClipImagePreprocessor preprocessor) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (ClipOnnxEncoder encoder = ClipOnnxEncoder.builder(options.model).variant(options.variant)
                        .batchSize(batch).intraOpThreads(options.intraOpThreads)
                        .preprocessingThreads(options.preprocessingThreads).intraOpSpinning(options.spinning).build();
                OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", options.spinning ? "1" : "0");
            try (OrtSession session = environment.createSession(
                    options.model.resolve(options.variant.visionModel()).toString(), sessionOptions)) {
                List<OnnxTensor> tensors = tensors(environment, pixels, batch, preprocessor);
                try {
                    String input = session.getInputNames().iterator().next();
                    encoder.encode(images);
                    encoder.encode(texts);
                    runAll(session, input, tensors);
                    double[] ours = new double[options.repeats];
                    double[] raw = new double[options.repeats];
                    double[] text = new double[options.repeats];
                    for (int r = 0; r < options.repeats; r++) {
                        long start = System.nanoTime();
                        encoder.encode(images);
                        ours[r] = images.size() / seconds(start);
                        start = System.nanoTime();
                        runAll(session, input, tensors);
                        raw[r] = images.size() / seconds(start);
                        start = System.nanoTime();
                        encoder.encode(texts);
                        text[r] = texts.size() / seconds(start);
                    }
                    return new double[] {median(ours), median(raw), median(text)};
                } finally {
                    tensors.forEach(OnnxTensor::close);
                }
            }
        }
    }

    /**
     * CPU time per image, measured on the calling thread, which other processes on a busy machine do not inflate as
     * much as wall time: decoding and preprocessing one image, and ONNX Runtime alone with one intra-op thread
     * (which then runs on the calling thread) at batch 32. Their ratio bounds the overhead ratio: with a core free
     * for preprocessing the pipeline can reach min(1, inference / preprocessing); without one, at most
     * inference / (inference + preprocessing).
     */
    private static void cpuCosts(Options options, List<Content> images, float[][] pixels,
            ClipImagePreprocessor preprocessor) throws OrtException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (Content image : images) {
            preprocessor.preprocess((ImageContent) image);
        }
        double[] preprocessing = new double[options.repeats];
        for (int r = 0; r < options.repeats; r++) {
            long start = threads.getCurrentThreadCpuTime();
            for (Content image : images) {
                preprocessor.preprocess((ImageContent) image);
            }
            preprocessing[r] = (threads.getCurrentThreadCpuTime() - start) / 1e6 / images.size();
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        double[] inference = new double[options.repeats];
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(1);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = environment.createSession(
                    options.model.resolve(options.variant.visionModel()).toString(), sessionOptions)) {
                List<OnnxTensor> tensors = tensors(environment, pixels, 32, preprocessor);
                try {
                    String input = session.getInputNames().iterator().next();
                    runAll(session, input, tensors);
                    for (int r = 0; r < options.repeats; r++) {
                        long start = threads.getCurrentThreadCpuTime();
                        runAll(session, input, tensors);
                        inference[r] = (threads.getCurrentThreadCpuTime() - start) / 1e6 / images.size();
                    }
                } finally {
                    tensors.forEach(OnnxTensor::close);
                }
            }
        }
        double p = median(preprocessing);
        double i = median(inference);
        System.out.printf(Locale.ROOT, "CPU time per image (thread CPU time, medians): decode + preprocess %.3f ms; "
                + "ONNX Runtime alone, 1 intra-op thread, batch 32: %.3f ms%n", p, i);
        System.out.printf(Locale.ROOT, "  overhead ratio ceiling: %.2f with a core free for preprocessing, %.2f "
                + "without%n", Math.min(1, i / p), i / (i + p));
    }

    /** The preprocessed images in batches, as tensors over direct buffers, made once before timing. */
    private static List<OnnxTensor> tensors(OrtEnvironment environment, float[][] pixels, int batch,
            ClipImagePreprocessor preprocessor) throws OrtException {
        int floats = preprocessor.floatsPerImage();
        List<OnnxTensor> tensors = new ArrayList<>();
        for (int from = 0; from < pixels.length; from += batch) {
            int n = Math.min(batch, pixels.length - from);
            FloatBuffer buffer = ByteBuffer.allocateDirect(n * floats * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            for (int k = 0; k < n; k++) {
                buffer.put(k * floats, pixels[from + k]);
            }
            tensors.add(OnnxTensor.createTensor(environment, buffer,
                    new long[] {n, 3, preprocessor.height(), preprocessor.width()}));
        }
        return tensors;
    }

    private static void runAll(OrtSession session, String input, List<OnnxTensor> tensors) throws OrtException {
        for (OnnxTensor tensor : tensors) {
            try (OrtSession.Result result = session.run(Map.of(input, tensor), Set.of("image_embeds"))) {
                if (result.size() != 1) {
                    throw new IllegalStateException("expected one output, got " + result.size());
                }
            }
        }
    }

    /**
     * Times decoding a 12-megapixel JPEG alone, with CLIP preprocessing on one thread, and encoded whole by
     * {@link ClipOnnxEncoder} (which splits a large image's resize across its preprocessing threads, and also runs
     * the model once, so that figure overstates the preprocessing a little).
     */
    private static void largePhoto(ClipImagePreprocessor preprocessor, Options options) throws IOException {
        byte[] jpeg = twelveMegapixelJpeg();
        ImageContent content = ImageContent.of(jpeg, "image/jpeg");
        System.out.printf(Locale.ROOT, "12-megapixel JPEG: 4000x3000, %.1f MB, quality 0.9%n", jpeg.length / 1e6);
        int runs = Math.max(options.repeats, 5);
        double[] decode = new double[runs];
        double[] full = new double[runs];
        double[] encoded = new double[runs];
        try (ClipOnnxEncoder encoder = ClipOnnxEncoder.builder(options.model).variant(options.variant).batchSize(1)
                .intraOpThreads(options.intraOpThreads).preprocessingThreads(options.preprocessingThreads)
                .intraOpSpinning(options.spinning).build()) {
            decode(jpeg);
            preprocessor.preprocess(content);
            encoder.encode(List.of(content));
            for (int r = 0; r < runs; r++) {
                long start = System.nanoTime();
                decode(jpeg);
                decode[r] = seconds(start) * 1000;
                start = System.nanoTime();
                preprocessor.preprocess(content);
                full[r] = seconds(start) * 1000;
                start = System.nanoTime();
                encoder.encode(List.of(content));
                encoded[r] = seconds(start) * 1000;
            }
        }
        double decodeMs = median(decode);
        double fullMs = median(full);
        double encodedMs = median(encoded);
        System.out.printf(Locale.ROOT, "  decode only (ImageIO JPEG reader): %.1f ms (median of %d)%n", decodeMs, runs);
        System.out.printf(Locale.ROOT, "  decode + resize + crop + normalise, one thread: %.1f ms (median of %d): "
                + "+%.1f%% over decoding%n", fullMs, runs, 100 * (fullMs - decodeMs) / decodeMs);
        System.out.printf(Locale.ROOT, "  ClipOnnxEncoder.encode of the file (decode, preprocess with the resize on "
                + "%d threads, and the model): %.1f ms (median of %d): +%.1f%% over decoding%n",
                options.preprocessingThreads, encodedMs, runs, 100 * (encodedMs - decodeMs) / decodeMs);
    }

    /** Decodes as the encoder does: the first JPEG reader, over an in-memory stream. */
    private static BufferedImage decode(byte[] jpeg) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } finally {
            reader.dispose();
        }
    }

    private static byte[] twelveMegapixelJpeg() throws IOException {
        Path source = Path.of("assets/data/style-catalog/images/sku-0002.jpg");
        BufferedImage photo = ImageIO.read(source.toFile());
        BufferedImage large = new BufferedImage(4000, 3000, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = large.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(photo, 0, 0, 4000, 3000, null);
        g.dispose();
        byte[] samples = ((DataBufferByte) large.getRaster().getDataBuffer()).getData();
        Random random = new Random(42);
        for (int i = 0; i < samples.length; i++) {
            int noisy = (samples[i] & 0xFF) + (int) Math.round(random.nextGaussian() * 6);
            samples[i] = (byte) Math.max(0, Math.min(255, noisy));
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(large, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Reads a string field of a flat JSON line (the catalogue's descriptions hold no escaped quotes). */
    private static String jsonString(String line, String key) {
        String marker = "\"" + key + "\": \"";
        int start = line.indexOf(marker);
        if (start < 0) {
            throw new IllegalArgumentException("no \"" + key + "\" in " + line);
        }
        start += marker.length();
        return line.substring(start, line.indexOf('"', start));
    }

    /** The command-line options. */
    private record Options(int repeats, int intraOpThreads, int preprocessingThreads, boolean spinning,
            ModelVariant variant, Path model, Path catalog) {

        static Options parse(String[] args) {
            int processors = Runtime.getRuntime().availableProcessors();
            int repeats = 5;
            int intraOp = processors;
            int preprocessing = processors;
            boolean spinning = ClipOnnxEncoder.DEFAULT_INTRA_OP_SPINNING;
            ModelVariant variant = ModelVariant.FULL;
            Path model = Path.of("assets/models/mini-clip");
            Path catalog = Path.of("assets/data/style-catalog");
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--repeats" -> repeats = Integer.parseInt(value);
                    case "--intra-op-threads" -> intraOp = Integer.parseInt(value);
                    case "--preprocessing-threads" -> preprocessing = Integer.parseInt(value);
                    case "--spinning" -> spinning = switch (value) {
                        case "on" -> true;
                        case "off" -> false;
                        default -> throw new IllegalArgumentException("--spinning takes on or off, got " + value);
                    };
                    case "--variant" -> variant = ModelVariant.valueOf(value.toUpperCase(Locale.ROOT));
                    case "--model" -> model = Path.of(value);
                    case "--catalog" -> catalog = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(repeats, intraOp, preprocessing, spinning, variant, model, catalog);
        }
    }
}
