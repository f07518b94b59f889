package dev.mmrag.onnx;

import java.util.Arrays;

/**
 * The image preprocessing of a CLIP model, read from its {@code preprocessor_config.json} (Hugging Face
 * {@code CLIPImageProcessor}): convert to RGB, resize so the shortest edge is {@link #shortestEdge()} with PIL's
 * bicubic filter, center-crop to {@link #cropHeight()} x {@link #cropWidth()}, rescale, normalise.
 *
 * <p>Missing keys take {@code CLIPImageProcessor}'s defaults: shortest edge 224, crop 224 x 224, resample 3
 * (bicubic), rescale factor 1/255, OpenAI's CLIP mean and standard deviation. Settings this encoder does not
 * implement (another resampling filter, no resize or no crop, a fixed height/width resize) are refused at load
 * rather than silently ignored. {@code do_rescale: false} is the same as a rescale factor of 1, and
 * {@code do_normalize: false} the same as mean 0 and standard deviation 1.
 *
 * <p>Thread-safety: immutable (the arrays are copied in and out).
 *
 * @param shortestEdge the length of the shorter side after resizing
 * @param cropHeight the height of the center crop
 * @param cropWidth the width of the center crop
 * @param rescaleFactor the factor applied to 8-bit values before normalising
 * @param mean the per-channel (R, G, B) mean subtracted after rescaling
 * @param std the per-channel standard deviation divided by after subtracting the mean
 */
record PreprocessorConfig(int shortestEdge, int cropHeight, int cropWidth, double rescaleFactor, float[] mean,
        float[] std) {

    /** The file name inside a model directory. */
    static final String FILE = "preprocessor_config.json";

    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final int PIL_BICUBIC = 3;
    private static final int DEFAULT_SIZE = 224;

    /** Copies the arrays. */
    PreprocessorConfig {
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * @param config the parsed {@code preprocessor_config.json}
     * @return the preprocessing it describes
     * @throws dev.mmrag.api.InvalidInputException naming the file and key when a setting is invalid or unsupported
     */
    static PreprocessorConfig from(JsonConfig config) {
        if (!config.bool("do_resize", true)) {
            throw config.problem("do_resize", "is false; CLIP preprocessing with a resize step is required");
        }
        if (!config.bool("do_center_crop", true)) {
            throw config.problem("do_center_crop", "is false; CLIP preprocessing with a center crop is required");
        }
        if (!config.bool("do_convert_rgb", true)) {
            throw config.problem("do_convert_rgb", "is false; this encoder always converts images to RGB");
        }
        int resample = config.integer("resample", PIL_BICUBIC);
        if (resample != PIL_BICUBIC) {
            throw config.problem("resample", "is " + resample + "; only " + PIL_BICUBIC
                    + " (PIL bicubic, which CLIP uses) is supported");
        }
        int shortestEdge = shortestEdge(config);
        int cropHeight = DEFAULT_SIZE;
        int cropWidth = DEFAULT_SIZE;
        if (config.isNumber("crop_size")) {
            cropHeight = config.positiveInt("crop_size");
            cropWidth = cropHeight;
        } else if (config.has("crop_size")) {
            JsonConfig crop = config.object("crop_size");
            cropHeight = crop.positiveInt("height");
            cropWidth = crop.positiveInt("width");
        }
        if (cropHeight > shortestEdge || cropWidth > shortestEdge) {
            throw config.problem("crop_size", "is " + cropHeight + "x" + cropWidth
                    + ", larger than the resized shortest edge " + shortestEdge + "; padding is not supported");
        }
        double rescale = config.bool("do_rescale", true) ? config.number("rescale_factor", 1.0 / 255) : 1.0;
        float[] mean = {0, 0, 0};
        float[] std = {1, 1, 1};
        if (config.bool("do_normalize", true)) {
            mean = config.floats("image_mean", 3, CLIP_MEAN);
            std = config.floats("image_std", 3, CLIP_STD);
            for (float s : std) {
                if (s == 0) {
                    throw config.problem("image_std", "is " + Arrays.toString(std) + "; no component may be 0");
                }
            }
        }
        return new PreprocessorConfig(shortestEdge, cropHeight, cropWidth, rescale, mean, std);
    }

    private static int shortestEdge(JsonConfig config) {
        if (!config.has("size")) {
            return DEFAULT_SIZE;
        }
        if (config.isNumber("size")) {
            return config.positiveInt("size");
        }
        JsonConfig size = config.object("size");
        if (!size.has("shortest_edge")) {
            throw config.problem("size", "has no \"shortest_edge\"; only CLIP's shortest-edge resize is supported");
        }
        return size.positiveInt("shortest_edge");
    }

    /**
     * The normalised value of every 8-bit sample, computed as the reference does: the rescaled value in single
     * precision, then {@code (value - mean) / std} in single precision.
     *
     * @return {@code [channel][sample value]}, 3 x 256 floats
     */
    float[][] lookupTable() {
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float rescaled = (float) (v * rescaleFactor);
                table[c][v] = (rescaled - mean[c]) / std[c];
            }
        }
        return table;
    }

    /**
     * The size an image is resized to before cropping, as the reference computes it: the shorter side becomes
     * {@link #shortestEdge()} and the longer one {@code floor(shortestEdge * long / short)}.
     *
     * @param width the image's width
     * @param height the image's height
     * @return {@code {width, height}} after resizing
     */
    int[] resizedSize(int width, int height) {
        if (width <= height) {
            return new int[] {shortestEdge, (int) ((double) shortestEdge * height / width)};
        }
        return new int[] {(int) ((double) shortestEdge * width / height), shortestEdge};
    }

    @Override
    public String toString() {
        return "PreprocessorConfig[shortestEdge=" + shortestEdge + ", crop=" + cropHeight + "x" + cropWidth
                + ", rescaleFactor=" + rescaleFactor + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + "]";
    }
}
