package dev.mmrag.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CLIP text model ({@code onnx/text_model.onnx}): takes {@code input_ids} int64 {@code [batch, sequence]} and,
 * when the model declares it, {@code attention_mask} of the same shape; returns the embedding output (by default
 * {@code text_embeds}, float {@code [batch, projection_dim]}).
 *
 * <p>A batch is padded to its longest text (or to the model's fixed sequence length, when it declares one) with
 * the end token, as the reference pads, and an attention mask of 0 over the padding. CLIP pools the embedding at
 * the end token under a causal mask, so padding does not change a text's embedding.
 *
 * <p>Thread-safety: safe for concurrent use; close once.
 */
final class ClipTextModel implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";

    private final OnnxModel model;
    private final String output;
    private final int dimension;
    private final boolean takesAttentionMask;
    private final long fixedLength;

    private ClipTextModel(OnnxModel model, String output, int dimension, boolean takesAttentionMask, long fixedLength) {
        this.model = model;
        this.output = output;
        this.dimension = dimension;
        this.takesAttentionMask = takesAttentionMask;
        this.fixedLength = fixedLength;
    }

    /**
     * Checks a loaded model's inputs and output and wraps it; closes the model when they do not fit. A model that
     * declares its embedding size symbolic is run once on a text of one token (id 0) to find it.
     *
     * @param model the loaded text model
     * @param output the embedding output's name
     * @param dimension the embedding size from {@code config.json}
     * @param maxTokens the most tokens a text has
     * @return the text model
     * @throws dev.mmrag.api.InvalidInputException naming the file when its inputs or output do not fit
     */
    static ClipTextModel of(OnnxModel model, String output, int dimension, int maxTokens) {
        try {
            Map<String, TensorInfo> inputs = model.inputs();
            String expected = "expected " + INPUT_IDS + " int64[batch, sequence] and optionally " + ATTENTION_MASK
                    + " of the same type and shape";
            for (Map.Entry<String, TensorInfo> input : inputs.entrySet()) {
                TensorInfo info = input.getValue();
                boolean known = input.getKey().equals(INPUT_IDS) || input.getKey().equals(ATTENTION_MASK);
                if (!known || info.type != OnnxJavaType.INT64 || info.getShape().length != 2) {
                    throw model.inputMismatch(expected);
                }
            }
            TensorInfo ids = inputs.get(INPUT_IDS);
            if (ids == null) {
                throw model.inputMismatch(expected);
            }
            long fixedLength = ids.getShape()[1];
            if (fixedLength > 0 && fixedLength < maxTokens) {
                throw model.inputMismatch("its fixed sequence length " + fixedLength + " is shorter than the "
                        + maxTokens + " tokens of config.json's max_position_embeddings");
            }
            ClipTextModel text = new ClipTextModel(model, output, dimension, inputs.containsKey(ATTENTION_MASK),
                    fixedLength);
            model.checkEmbeddingOutput(output, dimension, () -> text.feeds(List.of(new long[] {0}), 0));
            return text;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * @param texts token ids of each text, each ending with the end token
     * @param padId the id to pad with
     * @return one embedding per text, not normalised
     */
    float[][] embed(List<long[]> texts, long padId) {
        return model.run(feeds(texts, padId), output, texts.size(), dimension);
    }

    /** @return the inputs of a batch: the texts padded to the batch's length, and their attention mask */
    private Map<String, OnnxTensor> feeds(List<long[]> texts, long padId) {
        int batch = texts.size();
        int length = (int) fixedLength;
        if (length <= 0) {
            length = texts.stream().mapToInt(ids -> ids.length).max().orElse(0);
        }
        LongBuffer ids = directLongs(batch * length);
        LongBuffer mask = directLongs(batch * length);
        for (int i = 0; i < batch; i++) {
            long[] text = texts.get(i);
            for (int t = 0; t < length; t++) {
                ids.put(i * length + t, t < text.length ? text[t] : padId);
                mask.put(i * length + t, t < text.length ? 1 : 0);
            }
        }
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        feeds.put(INPUT_IDS, model.tensor(ids, batch, length));
        if (takesAttentionMask) {
            try {
                feeds.put(ATTENTION_MASK, model.tensor(mask, batch, length));
            } catch (RuntimeException e) {
                feeds.get(INPUT_IDS).close(); // no tensor is left open when the second cannot be made
                throw e;
            }
        }
        return feeds;
    }

    private static LongBuffer directLongs(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Long.BYTES)).order(ByteOrder.nativeOrder())
                .asLongBuffer();
    }

    @Override
    public void close() {
        model.close();
    }
}
