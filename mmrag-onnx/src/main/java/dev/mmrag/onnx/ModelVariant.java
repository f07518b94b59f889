package dev.mmrag.onnx;

/**
 * Which ONNX files of a model directory {@link ClipOnnxEncoder} loads.
 *
 * <p>Thread-safety: immutable.
 */
public enum ModelVariant {
    /** Full precision: {@code onnx/text_model.onnx} and {@code onnx/vision_model.onnx}. The default. */
    FULL("onnx/text_model.onnx", "onnx/vision_model.onnx"),
    /**
     * Dynamically quantized int8 weights: {@code onnx/text_model_quantized.onnx} and
     * {@code onnx/vision_model_quantized.onnx}. Smaller files; embeddings close to, not equal to, full precision.
     */
    QUANTIZED("onnx/text_model_quantized.onnx", "onnx/vision_model_quantized.onnx");

    private final String textModel;
    private final String visionModel;

    ModelVariant(String textModel, String visionModel) {
        this.textModel = textModel;
        this.visionModel = visionModel;
    }

    /** @return the text model's file name inside the model directory */
    public String textModel() {
        return textModel;
    }

    /** @return the vision model's file name inside the model directory */
    public String visionModel() {
        return visionModel;
    }
}
