package dev.mmrag.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A CLIP vision model ({@code onnx/vision_model.onnx}): takes one float input {@code [batch, 3, height, width]}
 * (named {@code pixel_values} in Hugging Face exports; any name is accepted when it is the only input) and returns
 * the embedding output (by default {@code image_embeds}, float {@code [batch, projection_dim]}).
 *
 * <p>Thread-safety: safe for concurrent use; close once.
 */
final class ClipVisionModel implements AutoCloseable {

    private final OnnxModel model;
    private final String input;
    private final String output;
    private final int dimension;
    private final int height;
    private final int width;

    private ClipVisionModel(OnnxModel model, String input, String output, int dimension, int height, int width) {
        this.model = model;
        this.input = input;
        this.output = output;
        this.dimension = dimension;
        this.height = height;
        this.width = width;
    }

    /**
     * Checks a loaded model's input and output and wraps it; closes the model when they do not fit. A model that
     * declares its embedding size symbolic is run once on pixel values of zero to find it.
     *
     * @param model the loaded vision model
     * @param output the embedding output's name
     * @param dimension the embedding size from {@code config.json}
     * @param height the height of the preprocessed image (the crop height)
     * @param width the width of the preprocessed image (the crop width)
     * @return the vision model
     * @throws dev.mmrag.api.InvalidInputException naming the file when its input or output do not fit
     */
    static ClipVisionModel of(OnnxModel model, String output, int dimension, int height, int width) {
        try {
            Map<String, TensorInfo> inputs = model.inputs();
            String expected = "expected one float input [batch, 3, " + height + ", " + width + "] (the crop size of "
                    + PreprocessorConfig.FILE + ")";
            if (inputs.size() != 1) {
                throw model.inputMismatch(expected);
            }
            Map.Entry<String, TensorInfo> pixels = inputs.entrySet().iterator().next();
            long[] shape = pixels.getValue().getShape();
            if (pixels.getValue().type != OnnxJavaType.FLOAT || shape.length != 4 || !fits(shape[1], 3)
                    || !fits(shape[2], height) || !fits(shape[3], width)) {
                throw model.inputMismatch(expected);
            }
            ClipVisionModel vision = new ClipVisionModel(model, pixels.getKey(), output, dimension, height, width);
            model.checkEmbeddingOutput(output, dimension,
                    () -> vision.feeds(OnnxModel.directFloats(3 * height * width), 1));
            return vision;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static boolean fits(long declared, int actual) {
        return declared < 0 || declared == actual;
    }

    /**
     * @param pixels a direct buffer holding exactly {@code batch} preprocessed images, channels first
     * @param batch the number of images
     * @return one embedding per image, not normalised
     */
    float[][] embed(FloatBuffer pixels, int batch) {
        return model.run(feeds(pixels, batch), output, batch, dimension);
    }

    private Map<String, OnnxTensor> feeds(FloatBuffer pixels, int batch) {
        return Map.of(input, model.tensor(pixels, batch, 3, height, width));
    }

    @Override
    public void close() {
        model.close();
    }
}
