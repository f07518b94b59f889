package dev.mmrag.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes tiny real ONNX models whose embedding size ONNX Runtime cannot know before running them: every input
 * dimension is symbolic, so shape inference leaves the output's size open and the model declares it as
 * {@code [batch, embed]}. (Re-declaring the bundled mini-clip outputs symbolic does not give such a model: ONNX
 * Runtime infers the size 64 from the projection weights and reports {@code [?, 64]} anyway.)
 *
 * <p>The files are written as protobuf with the field numbers of {@code onnx.proto} (IR version 8, opset 13).
 */
final class SymbolicOutputModels {

    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTRIBUTE_INT = 2;

    private SymbolicOutputModels() {
    }

    /**
     * @return a vision model: {@code pixel_values} float {@code [batch, channels, height, width]}, averaged over
     *     height and width ({@code GlobalAveragePool}, then {@code Flatten}), into {@code image_embeds} float
     *     {@code [batch, embed]}: the mean of each channel, so 3 values for an RGB image
     */
    static byte[] meanColourVisionModel() {
        Proto graph = new Proto()
                .message(1, node("GlobalAveragePool", "pixel_values", "pooled"))
                .message(1, node("Flatten", "pooled", "image_embeds"))
                .string(2, "mean-colour")
                .message(11, tensor("pixel_values", FLOAT, "batch", "channels", "height", "width"))
                .message(12, tensor("image_embeds", FLOAT, "batch", "embed"));
        return model(graph);
    }

    /**
     * @return a text model: {@code input_ids} int64 {@code [batch, sequence]}, cast to float, as
     *     {@code text_embeds} float {@code [batch, embed]}: as many values as the text has tokens
     */
    static byte[] tokenIdsTextModel() {
        Proto toFloat = new Proto().string(1, "to").varint(3, FLOAT).varint(20, ATTRIBUTE_INT);
        Proto graph = new Proto()
                .message(1, node("Cast", "input_ids", "text_embeds").message(5, toFloat))
                .string(2, "token-ids")
                .message(11, tensor("input_ids", INT64, "batch", "sequence"))
                .message(12, tensor("text_embeds", FLOAT, "batch", "embed"));
        return model(graph);
    }

    private static byte[] model(Proto graph) {
        return new Proto()
                .varint(1, 8)
                .string(2, "mmrag tests")
                .message(7, graph)
                .message(8, new Proto().varint(2, 13))
                .toByteArray();
    }

    private static Proto node(String operator, String input, String output) {
        return new Proto().string(1, input).string(2, output).string(3, operator).string(4, operator);
    }

    /** A ValueInfoProto: a tensor of the element type whose dimensions are all symbolic, with these names. */
    private static Proto tensor(String name, int elementType, String... dimensions) {
        Proto shape = new Proto();
        for (String dimension : dimensions) {
            shape.message(1, new Proto().string(2, dimension));
        }
        Proto tensorType = new Proto().varint(1, elementType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A protobuf message being written: fields in the order they are added. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private Proto bytes(int field, byte[] value) {
            writeVarint((long) field << 3 | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        private void writeVarint(long value) {
            long rest = value;
            while ((rest & ~0x7FL) != 0) {
                out.write((int) (rest & 0x7F) | 0x80);
                rest >>>= 7;
            }
            out.write((int) rest);
        }
    }
}
