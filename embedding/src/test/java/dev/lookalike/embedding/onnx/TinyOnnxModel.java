package dev.lookalike.embedding.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a minimal ONNX model by hand (protobuf wire format, no dependencies):
 * {@code input [batch,C,H,W] -> GlobalAveragePool -> Flatten -> output [batch,C]}, i.e. the mean
 * of each input channel. Its batch and spatial dimensions are dynamic, so it exercises real
 * batching; with a dynamic channel dimension its output size is unknown.
 */
final class TinyOnnxModel {

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

    private static byte[] node(String op, String input, String output) {
        return concat(string(1, input), string(2, output), string(3, op + "_0"), string(4, op));
    }

    private static byte[] valueInfo(String name, byte[]... dims) {
        byte[] shape = concat(java.util.Arrays.stream(dims).map(d -> message(1, d)).toArray(byte[][]::new));
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
