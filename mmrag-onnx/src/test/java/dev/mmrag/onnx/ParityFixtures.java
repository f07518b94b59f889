package dev.mmrag.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP parity fixtures in {@code src/test/resources/clip-parity} (see its README): reference pixel values,
 * token ids and embeddings computed by Hugging Face transformers with the bundled mini-clip model.
 */
final class ParityFixtures {

    private static final Path ROOT = resourceRoot();

    private ParityFixtures() {
    }

    /** One reference image. */
    record ImageCase(String file, Path path, String mode, float[] imageEmbeds, Path pixelValues) {
        @Override
        public String toString() {
            return file + " (" + mode + ")";
        }

        float[] referencePixels() {
            return readNpy(pixelValues);
        }
    }

    /** One reference text. */
    record TextCase(String text, long[] unpaddedIds, float[] textEmbeds) {
        @Override
        public String toString() {
            String shown = text.replace("\n", "\\n").replace("\t", "\\t");
            return "\"" + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown) + "\"";
        }
    }

    static List<ImageCase> images() {
        List<ImageCase> cases = new ArrayList<>();
        for (JsonElement element : references().getAsJsonArray("images")) {
            JsonObject image = element.getAsJsonObject();
            String file = image.get("file").getAsString();
            cases.add(new ImageCase(file, ROOT.resolve(file), image.get("mode").getAsString(),
                    floats(image.getAsJsonArray("image_embeds")), ROOT.resolve(image.get("pixel_values").getAsString())));
        }
        return cases;
    }

    static List<TextCase> texts() {
        List<TextCase> cases = new ArrayList<>();
        for (JsonElement element : references().getAsJsonArray("texts")) {
            JsonObject text = element.getAsJsonObject();
            JsonArray ids = text.getAsJsonArray("unpadded_ids");
            long[] unpadded = new long[ids.size()];
            for (int i = 0; i < unpadded.length; i++) {
                unpadded[i] = ids.get(i).getAsLong();
            }
            cases.add(new TextCase(text.get("text").getAsString(), unpadded, floats(text.getAsJsonArray("text_embeds"))));
        }
        return cases;
    }

    private static JsonObject references() {
        try {
            return JsonParser.parseString(Files.readString(ROOT.resolve("references.json"), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] floats(JsonArray array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsFloat();
        }
        return values;
    }

    /** Reads a little-endian float32 NumPy {@code .npy} file (format version 1), C order. */
    static float[] readNpy(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[6];
            bytes.get(magic);
            if (!new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY") || bytes.get() != 1) {
                throw new IllegalArgumentException(file + " is not a version 1 .npy file");
            }
            bytes.get();
            int headerLength = Short.toUnsignedInt(bytes.getShort());
            byte[] header = new byte[headerLength];
            bytes.get(header);
            String text = new String(header, StandardCharsets.US_ASCII);
            if (!text.contains("'descr': '<f4'") || !text.contains("'fortran_order': False")) {
                throw new IllegalArgumentException(file + " is not a C-order little-endian float32 array: " + text);
            }
            Matcher shape = Pattern.compile("'shape': \\(([0-9, ]*)\\)").matcher(text);
            if (!shape.find()) {
                throw new IllegalArgumentException(file + " has no shape: " + text);
            }
            int count = 1;
            for (String dim : shape.group(1).split(",")) {
                if (!dim.isBlank()) {
                    count *= Integer.parseInt(dim.trim());
                }
            }
            float[] values = new float[count];
            bytes.asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resourceRoot() {
        try {
            return Path.of(ParityFixtures.class.getResource("/clip-parity/references.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
