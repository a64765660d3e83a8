package dev.lookalike.embedding.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;

/** What the image and text towers both need to describe a model and name it by its content. */
final class OnnxModelInfo {

    private OnnxModelInfo() {}

    /** The model's tensors as people read them, e.g. {@code [data_0 FLOAT[1,3,224,224]]}, for error messages. */
    static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(node -> {
            ValueInfo info = node.getInfo();
            if (info instanceof TensorInfo tensor) {
                return node.getName() + " " + tensor.type + shapeText(tensor.getShape());
            }
            return node.getName() + " " + info;
        }).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A shape with dynamic dimensions as {@code ?}. */
    static String shapeText(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ",").append(shape[i] > 0 ? Long.toString(shape[i]) : "?");
        }
        return text.append(']').toString();
    }

    static String sha256(Path file) {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
