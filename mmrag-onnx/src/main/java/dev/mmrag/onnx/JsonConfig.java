package dev.mmrag.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.mmrag.api.InvalidInputException;

/**
 * Typed, checked access to one JSON configuration file of a model directory. Every error names the file and
 * the key, and says what was expected.
 *
 * <p>Thread-safety: not modified after construction; safe to read from several threads.
 */
final class JsonConfig {

    private final String file;
    private final JsonObject json;

    JsonConfig(String file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    /**
     * @param key a top-level key
     * @return whether the key is present with a non-null value
     */
    boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    /**
     * @param key a top-level key
     * @return the value as a nested configuration
     */
    JsonConfig object(String key) {
        JsonElement value = require(key);
        if (!value.isJsonObject()) {
            throw invalid(key, value, "an object");
        }
        return new JsonConfig(file + " (" + key + ")", value.getAsJsonObject());
    }

    /**
     * @param key a top-level key
     * @return its value, a positive integer
     */
    int positiveInt(String key) {
        int value = integer(key, require(key));
        if (value < 1) {
            throw invalid(key, json.get(key), "a positive integer");
        }
        return value;
    }

    /**
     * @param key a top-level key
     * @param defaultValue the value when the key is absent
     * @return its value
     */
    int positiveInt(String key, int defaultValue) {
        return has(key) ? positiveInt(key) : defaultValue;
    }

    /**
     * @param key a top-level key
     * @param defaultValue the value when the key is absent
     * @return its value, an integer
     */
    int integer(String key, int defaultValue) {
        return has(key) ? integer(key, json.get(key)) : defaultValue;
    }

    private int integer(String key, JsonElement value) {
        if (!isNumber(value)) {
            throw invalid(key, value, "an integer");
        }
        double number = value.getAsDouble();
        if (number != Math.rint(number) || Math.abs(number) > Integer.MAX_VALUE) {
            throw invalid(key, value, "an integer");
        }
        return (int) number;
    }

    /**
     * @param key a top-level key
     * @param defaultValue the value when the key is absent
     * @return its value, a finite number
     */
    double number(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonElement value = json.get(key);
        if (!isNumber(value) || !Double.isFinite(value.getAsDouble())) {
            throw invalid(key, value, "a finite number");
        }
        return value.getAsDouble();
    }

    /**
     * @param key a top-level key
     * @param defaultValue the value when the key is absent
     * @return its value
     */
    boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonElement value = json.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw invalid(key, value, "true or false");
        }
        return value.getAsBoolean();
    }

    /**
     * @param key a top-level key
     * @param length the required number of elements
     * @param defaultValue the value when the key is absent
     * @return its value, an array of finite numbers
     */
    float[] floats(String key, int length, float[] defaultValue) {
        if (!has(key)) {
            return defaultValue.clone();
        }
        JsonElement value = json.get(key);
        String expected = "an array of " + length + " finite numbers";
        if (!value.isJsonArray() || value.getAsJsonArray().size() != length) {
            throw invalid(key, value, expected);
        }
        JsonArray array = value.getAsJsonArray();
        float[] result = new float[length];
        for (int i = 0; i < length; i++) {
            if (!isNumber(array.get(i)) || !Double.isFinite(array.get(i).getAsDouble())) {
                throw invalid(key, value, expected);
            }
            result[i] = array.get(i).getAsFloat();
        }
        return result;
    }

    /**
     * @param key a top-level key
     * @return whether its value is a number (rather than, say, an object)
     */
    boolean isNumber(String key) {
        return has(key) && isNumber(json.get(key));
    }

    /**
     * @param key the key whose value is wrong
     * @param problem what is wrong, such as "is 2 (bilinear); only 3 (bicubic) is supported"
     * @return an exception naming the file and key
     */
    InvalidInputException problem(String key, String problem) {
        return new InvalidInputException(file + ": \"" + key + "\" " + problem);
    }

    private JsonElement require(String key) {
        if (!has(key)) {
            throw new InvalidInputException(file + " has no \"" + key + "\"");
        }
        return json.get(key);
    }

    private static boolean isNumber(JsonElement value) {
        return value.isJsonPrimitive() && ((JsonPrimitive) value).isNumber();
    }

    private InvalidInputException invalid(String key, JsonElement value, String expected) {
        String shown = value.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "...";
        }
        return problem(key, "is " + shown + "; expected " + expected);
    }
}
