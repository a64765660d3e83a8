package dev.lookalike.embedding.onnx;

import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ChannelOrder;
import dev.lookalike.embedding.testing.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real pretrained SqueezeNet 1.1 in the shared models folder (see its PROVENANCE.md), which
 * surefire passes as {@code lookalike.models.dir}. Missing files fail the tests: they never skip.
 */
final class SqueezeNet {

    static final String FOLDER = "squeezenet1.1-winml";
    static final String MODEL = "squeezenet1.1_fp32_embed.onnx";
    static final String INPUT = "data_0";
    static final String PROBABILITIES = "softmaxout_1";
    static final String EMBEDDING = "embedding";

    private SqueezeNet() {
    }

    static Path dir() {
        String property = System.getProperty("lookalike.models.dir");
        if (property == null || property.isBlank()) {
            throw new AssertionError("System property lookalike.models.dir is not set. Run the tests through Maven "
                    + "(the parent pom sets it to <repo>/../shared/models) or pass -Dlookalike.models.dir=<folder>.");
        }
        Path dir = Path.of(property).resolve(FOLDER).toAbsolutePath().normalize();
        for (String file : new String[] {MODEL, "kitten_224.png", "fish.png", "imagenet_labels.txt"}) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new AssertionError("Test model file missing: " + dir.resolve(file) + " (lookalike.models.dir="
                        + property + "). The shared models folder must be present; these tests do not skip.");
            }
        }
        return dir;
    }

    static Path model() {
        return dir().resolve(MODEL);
    }

    /** The WinML convention from PROVENANCE.md: 224x224 NCHW, BGR, raw 0..255, no mean or std. */
    static OnnxImageModelConfig config(String output) {
        return OnnxImageModelConfig.defaults(model(), INPUT, output)
                .withChannelOrder(ChannelOrder.BGR)
                .withPixelNormalization(1.0, OnnxImageModelConfig.NO_MEAN, OnnxImageModelConfig.NO_STD);
    }

    static DecodedImage kitten() {
        return png("kitten_224.png");
    }

    static DecodedImage fish() {
        return png("fish.png");
    }

    static DecodedImage png(String file) {
        try {
            return DecodedImage.of(TestImages.read(Files.readAllBytes(dir().resolve(file))), "png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ImageNet class index to label, from lines {@code index,label} (the label may contain commas). */
    static Map<Integer, String> labels() {
        try {
            Map<Integer, String> labels = new HashMap<>();
            for (String line : Files.readAllLines(dir().resolve("imagenet_labels.txt"), StandardCharsets.UTF_8)) {
                int comma = line.indexOf(',');
                if (comma > 0) {
                    labels.put(Integer.parseInt(line.substring(0, comma).trim()), line.substring(comma + 1).trim());
                }
            }
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
