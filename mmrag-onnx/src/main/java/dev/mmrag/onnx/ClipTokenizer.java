package dev.mmrag.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.mmrag.api.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The CLIP tokenizer of a model directory's {@code tokenizer.json}, run by Hugging Face's tokenizers library
 * through DJL's binding (its native library ships inside the DJL jar for Linux, macOS and Windows and is loaded
 * from there: nothing is downloaded).
 *
 * <p>A text is tokenized with the tokenizer's own special tokens ({@code <|startoftext|> ... <|endoftext|>}) and
 * without truncation; a result longer than the model's limit is cut as the reference does, keeping the first
 * {@code limit - 1} tokens and the closing {@code <|endoftext|>}, and the caller learns the original length so
 * that it can report the truncation.
 *
 * <p>DJL calls an AWS telemetry endpoint when a tokenizer is created unless tracking is opted out; an embeddable
 * library must not make network calls its user did not ask for, so unless the user has decided otherwise (the
 * environment variable or system property {@code OPT_OUT_TRACKING}), this class sets the system property
 * {@code OPT_OUT_TRACKING=true} before creating a tokenizer.
 *
 * <p>Thread-safety: safe for concurrent use (the native tokenizer is not modified after loading); close once.
 */
final class ClipTokenizer implements AutoCloseable {

    /** The file name inside a model directory. */
    static final String FILE = "tokenizer.json";

    private static final String OPT_OUT = "OPT_OUT_TRACKING";

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long endId;

    private ClipTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long endId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.endId = endId;
    }

    /**
     * @param file the {@code tokenizer.json} file
     * @param maxLength the most tokens the text model takes, special tokens included (77 for CLIP)
     * @return the tokenizer
     * @throws InvalidInputException naming the file when it cannot be loaded or adds no end token
     */
    static ClipTokenizer load(Path file, int maxLength) {
        if (System.getenv(OPT_OUT) == null && System.getProperty(OPT_OUT) == null) {
            System.setProperty(OPT_OUT, "true");
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(file + " cannot be loaded as a Hugging Face tokenizer: " + e.getMessage(), e);
        }
        long[] empty;
        try {
            empty = tokenizer.encode("").getIds();
        } catch (RuntimeException e) {
            tokenizer.close();
            throw new InvalidInputException(file + " cannot encode an empty text: " + e.getMessage(), e);
        }
        if (empty.length < 2) {
            tokenizer.close();
            throw new InvalidInputException(file + " adds " + Arrays.toString(empty) + " to an empty text; expected a "
                    + "start and an end token, as CLIP's <|startoftext|> <|endoftext|>");
        }
        return new ClipTokenizer(tokenizer, maxLength, empty[empty.length - 1]);
    }

    /** @return the id of the end token, which is also the padding id the reference uses */
    long endId() {
        return endId;
    }

    /**
     * @param text a text
     * @return its token ids, at most the maximum length given at load, ending with the end token
     */
    Tokens tokenize(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        if (ids.length <= maxLength) {
            return new Tokens(ids, ids.length);
        }
        long[] kept = Arrays.copyOf(ids, maxLength);
        kept[maxLength - 1] = ids[ids.length - 1];
        return new Tokens(kept, ids.length);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /**
     * A tokenized text.
     *
     * @param ids the ids the model gets
     * @param originalLength how many tokens the text had before truncation
     */
    record Tokens(long[] ids, int originalLength) {

        /** @return whether tokens were dropped */
        boolean truncated() {
            return originalLength > ids.length;
        }
    }
}
