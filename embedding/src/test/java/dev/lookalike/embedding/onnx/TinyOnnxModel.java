package dev.lookalike.embedding.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a minimal ONNX model by hand (protobuf wire format, no dependencies):
 * {@code input [batch,C,H,W] -> GlobalAveragePool -> Flatten -> output [batch,C]}, i.e. the mean
 * of each input channel. Its batch and spatial dimensions are dynamic, so it exercises real
 * batching; with a dynamic channel dimension its output size is unknown.
 *
 * <p>{@link Graph} writes any small graph of standard operators with typed inputs and outputs,
 * attributes and constant initializers; {@link TinyClip} builds its towers with it.
 */
final class TinyOnnxModel {

    /** ONNX {@code TensorProto.DataType} values. */
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;

    static final String INPUT = "image";
    static final String OUTPUT = "channel_means";

    private TinyOnnxModel() {
    }

    /** @param channels 3, or -1 for a dynamic channel dimension */
    static Path write(Path file, int channels) throws IOException {
        byte[] graph = concat(
                message(1, node("GlobalAveragePool", INPUT, "pooled")),
                message(1, node("Flatten", "pooled", OUTPUT)),
                string(2, "channel_means_graph"),
                message(11, valueInfo(INPUT, dim("batch"), channels > 0 ? dim(channels) : dim("c"), dim("h"), dim("w"))),
                message(12, valueInfo(OUTPUT, dim("batch"), channels > 0 ? dim(channels) : dim("c2"))));
        byte[] model = concat(
                varint(1, 7), // ir_version
                message(7, graph),
                message(8, concat(string(1, ""), varint(2, 13)))); // opset_import: ai.onnx 13
        return Files.write(file, model);
    }

    /**
     * A graph under construction. Dimensions are given as {@code Integer}/{@code Long} (fixed) or
     * {@code String} (symbolic, i.e. dynamic).
     */
    static final class Graph {

        private final List<byte[]> nodes = new ArrayList<>();
        private final List<byte[]> initializers = new ArrayList<>();
        private final List<byte[]> inputs = new ArrayList<>();
        private final List<byte[]> outputs = new ArrayList<>();

        Graph input(String name, int elemType, Object... dims) {
            inputs.add(valueInfo(name, elemType, dims));
            return this;
        }

        Graph output(String name, int elemType, Object... dims) {
            outputs.add(valueInfo(name, elemType, dims));
            return this;
        }

        /** One node; {@code attributes} from {@link #ints}, {@link #integer}. */
        Graph node(String op, List<String> in, List<String> out, byte[]... attributes) {
            List<byte[]> parts = new ArrayList<>();
            in.forEach(name -> parts.add(string(1, name)));
            out.forEach(name -> parts.add(string(2, name)));
            parts.add(string(3, op + "_" + nodes.size()));
            parts.add(string(4, op));
            for (byte[] attribute : attributes) {
                parts.add(message(5, attribute));
            }
            nodes.add(concat(parts.toArray(byte[][]::new)));
            return this;
        }

        /** A float32 constant, row-major. */
        Graph floats(String name, float[] values, long... dims) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                raw.putFloat(v);
            }
            initializers.add(tensor(name, FLOAT, raw.array(), dims));
            return this;
        }

        /** An int64 constant, e.g. the {@code axes} input of ReduceSum and Unsqueeze (opset 13). */
        Graph longs(String name, long[] values, long... dims) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                raw.putLong(v);
            }
            initializers.add(tensor(name, INT64, raw.array(), dims));
            return this;
        }

        Path write(Path file) throws IOException {
            List<byte[]> parts = new ArrayList<>();
            nodes.forEach(node -> parts.add(message(1, node)));
            parts.add(string(2, file.getFileName().toString()));
            initializers.forEach(tensor -> parts.add(message(5, tensor)));
            inputs.forEach(input -> parts.add(message(11, input)));
            outputs.forEach(output -> parts.add(message(12, output)));
            byte[] model = concat(
                    varint(1, 7), // ir_version
                    message(7, concat(parts.toArray(byte[][]::new))),
                    message(8, concat(string(1, ""), varint(2, 13)))); // opset_import: ai.onnx 13
            return Files.write(file, model);
        }

        /** An INTS attribute, e.g. {@code axes}. */
        static byte[] ints(String name, long... values) {
            List<byte[]> parts = new ArrayList<>();
            parts.add(string(1, name));
            for (long v : values) {
                parts.add(varint(8, v));
            }
            parts.add(varint(20, 7)); // AttributeType INTS
            return concat(parts.toArray(byte[][]::new));
        }

        /** An INT attribute, e.g. {@code keepdims}, {@code axis}, Cast's {@code to}. */
        static byte[] integer(String name, long value) {
            return concat(string(1, name), varint(3, value), varint(20, 2)); // AttributeType INT
        }

        private static byte[] tensor(String name, int type, byte[] raw, long... dims) {
            List<byte[]> parts = new ArrayList<>();
            for (long d : dims) {
                parts.add(varint(1, d));
            }
            parts.add(varint(2, type));
            parts.add(string(8, name));
            parts.add(message(9, raw));
            return concat(parts.toArray(byte[][]::new));
        }

        private static byte[] valueInfo(String name, int elemType, Object... dims) {
            byte[] shape = concat(Arrays.stream(dims).map(d -> message(1, d instanceof String param ? dim(param)
                    : dim(((Number) d).longValue()))).toArray(byte[][]::new));
            byte[] tensor = concat(varint(1, elemType), message(2, shape));
            return concat(string(1, name), message(2, message(1, tensor)));
        }
    }

    private static byte[] node(String op, String input, String output) {
        return concat(string(1, input), string(2, output), string(3, op + "_0"), string(4, op));
    }

    private static byte[] valueInfo(String name, byte[]... dims) {
        byte[] shape = concat(Arrays.stream(dims).map(d -> message(1, d)).toArray(byte[][]::new));
        byte[] tensor = concat(varint(1, 1), message(2, shape)); // elem_type FLOAT
        return concat(string(1, name), message(2, message(1, tensor)));
    }

    private static byte[] dim(long value) {
        return varint(1, value);
    }

    private static byte[] dim(String param) {
        return string(2, param);
    }

    private static byte[] string(int field, String value) {
        return message(field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[] body) {
        return concat(rawVarint(field << 3 | 2), rawVarint(body.length), body);
    }

    private static byte[] varint(int field, long value) {
        return concat(rawVarint(field << 3), rawVarint(value));
    }

    private static byte[] rawVarint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
