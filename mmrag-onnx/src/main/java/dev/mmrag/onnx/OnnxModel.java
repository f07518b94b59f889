package dev.mmrag.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One ONNX model file in an ONNX Runtime session, with what the CLIP encoders need in common: checking the
 * declared inputs and the embedding output at load (running the model once when the embedding size is symbolic), and running a batch into a direct output buffer that ONNX
 * Runtime writes into (a pinned output), so no intermediate copy is made.
 *
 * <p>Problems with the file are {@link InvalidInputException}s that name it (by its name inside the model
 * directory); failures while running are {@link EncodingException}s.
 *
 * <p>Thread-safety: safe for concurrent use (ONNX Runtime sessions are); close once, when no call is running.
 */
final class OnnxModel implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String name;
    private final Map<String, TensorInfo> inputs;
    private final Map<String, TensorInfo> outputs;

    private OnnxModel(OrtEnvironment environment, OrtSession session, String name, Map<String, TensorInfo> inputs,
            Map<String, TensorInfo> outputs) {
        this.environment = environment;
        this.session = session;
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * @param environment the ONNX Runtime environment
     * @param options the session options
     * @param file the model file
     * @param name the file's name inside the model directory, for messages
     * @return the loaded model
     * @throws InvalidInputException naming the file when ONNX Runtime cannot load it or it has non-tensor inputs
     *     or outputs
     */
    static OnnxModel load(OrtEnvironment environment, OrtSession.SessionOptions options, Path file, String name) {
        OrtSession session;
        try {
            session = environment.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new InvalidInputException(name + " cannot be loaded by ONNX Runtime: " + e.getMessage(), e);
        }
        try {
            return new OnnxModel(environment, session, name, tensors(name, "input", session.getInputInfo()),
                    tensors(name, "output", session.getOutputInfo()));
        } catch (OrtException | InvalidInputException e) {
            closeQuietly(session, e);
            if (e instanceof InvalidInputException) {
                throw (InvalidInputException) e;
            }
            throw new InvalidInputException(name + ": cannot read its inputs and outputs: " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> tensors(String name, String kind, Map<String, NodeInfo> nodes) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (NodeInfo node : nodes.values()) {
            ValueInfo info = node.getInfo();
            if (!(info instanceof TensorInfo)) {
                throw new InvalidInputException(name + " has the " + kind + " '" + node.getName() + "' of kind " + info
                        + "; expected tensors only");
            }
            tensors.put(node.getName(), (TensorInfo) info);
        }
        return tensors;
    }

    /** @return the declared inputs, by name, in declaration order */
    Map<String, TensorInfo> inputs() {
        return inputs;
    }

    /**
     * Checks the embedding output: declared, float, {@code [batch, dimension]}. When the model declares the
     * embedding size symbolic ({@code [batch, ?]}), nothing but running it tells the size, so it is run once on a
     * batch of one and the size it gives is checked: a model that disagrees with {@code config.json} fails here,
     * not on the first batch a user encodes.
     *
     * @param output the output's name
     * @param dimension the embedding size from {@code config.json}
     * @param batchOfOne makes input tensors for a batch of one (any values; the inputs must have been checked);
     *     called only when the size is symbolic; the tensors are closed by this method
     * @throws InvalidInputException naming the file and the output when the output does not fit, or the model
     *     fails on the batch of one
     */
    void checkEmbeddingOutput(String output, int dimension, Supplier<Map<String, OnnxTensor>> batchOfOne) {
        TensorInfo info = outputs.get(output);
        if (info == null) {
            throw new InvalidInputException(name + " has no output '" + output + "'; its outputs are " + describe(outputs));
        }
        long[] shape = info.getShape();
        if (info.type != OnnxJavaType.FLOAT || shape.length != 2) {
            throw new InvalidInputException(name + " declares output '" + output + "' as " + describe(info)
                    + "; expected float [batch, " + dimension + "]");
        }
        if (shape[1] > 0 && shape[1] != dimension) {
            throw new InvalidInputException(name + " declares output '" + output + "' as " + describe(info)
                    + ", an embedding size of " + shape[1] + ", but config.json has projection_dim " + dimension);
        }
        if (shape[1] < 0) {
            long[] given = runOnce(batchOfOne.get(), output, info);
            if (given.length != 2 || given[1] != dimension) {
                throw new InvalidInputException(name + " declares output '" + output + "' as " + describe(info)
                        + " and gives " + Arrays.toString(given) + " for a batch of one, but config.json has "
                        + "projection_dim " + dimension + "; expected [1, " + dimension + "]");
            }
        }
    }

    /** @return the shape of {@code output} when the model runs on {@code feeds}, which are closed */
    private long[] runOnce(Map<String, OnnxTensor> feeds, String output, TensorInfo declared) {
        try (OrtSession.Result result = session.run(feeds, Set.of(output))) {
            return ((OnnxTensor) result.get(0)).getInfo().getShape();
        } catch (OrtException e) {
            throw new InvalidInputException(name + " fails on a batch of one, run at load to find the size of its output '"
                    + output + "' (declared " + describe(declared) + "): " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * @param problem what is wrong with the inputs
     * @return an exception naming the file and listing its inputs
     */
    InvalidInputException inputMismatch(String problem) {
        return new InvalidInputException(name + " declares the inputs " + describe(inputs) + "; " + problem);
    }

    /**
     * Runs one batch.
     *
     * @param feeds the input tensors, by name; closed by this method
     * @param output the embedding output
     * @param batch the batch size
     * @param dimension the embedding size
     * @return one embedding per batch element
     * @throws EncodingException when ONNX Runtime fails
     */
    float[][] run(Map<String, OnnxTensor> feeds, String output, int batch, int dimension) {
        FloatBuffer embeddings = directFloats(batch * dimension);
        try (OnnxTensor pinned = OnnxTensor.createTensor(environment, embeddings, new long[] {batch, dimension});
                OrtSession.Result ignored = session.run(feeds, Map.of(output, pinned))) {
            float[][] vectors = new float[batch][dimension];
            for (int i = 0; i < batch; i++) {
                embeddings.get(i * dimension, vectors[i]);
            }
            return vectors;
        } catch (OrtException e) {
            throw new EncodingException(name + " failed on a batch of " + batch + ": " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * @param buffer a direct buffer holding exactly the tensor's elements
     * @param shape the tensor's shape
     * @return the tensor, backed by the buffer (no copy)
     */
    OnnxTensor tensor(FloatBuffer buffer, long... shape) {
        try {
            return OnnxTensor.createTensor(environment, buffer, shape);
        } catch (OrtException e) {
            throw new EncodingException(name + ": cannot create an input tensor of shape " + Arrays.toString(shape), e);
        }
    }

    /**
     * @param buffer a direct buffer holding exactly the tensor's elements
     * @param shape the tensor's shape
     * @return the tensor, backed by the buffer (no copy)
     */
    OnnxTensor tensor(LongBuffer buffer, long... shape) {
        try {
            return OnnxTensor.createTensor(environment, buffer, shape);
        } catch (OrtException e) {
            throw new EncodingException(name + ": cannot create an input tensor of shape " + Arrays.toString(shape), e);
        }
    }

    /**
     * @param count a number of floats
     * @return a direct, native-order buffer of that many floats
     */
    static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EncodingException(name + ": cannot close the ONNX Runtime session: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession session, Exception cause) {
        try {
            session.close();
        } catch (OrtException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * @param info a tensor's declaration
     * @return it as a short text, such as {@code float[?, 3, 224, 224]}
     */
    static String describe(TensorInfo info) {
        return info.type.toString().toLowerCase(Locale.ROOT) + Arrays.stream(info.getShape())
                .mapToObj(d -> d < 0 ? "?" : Long.toString(d)).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describe(Map<String, TensorInfo> tensors) {
        return tensors.entrySet().stream().map(e -> e.getKey() + " " + describe(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
