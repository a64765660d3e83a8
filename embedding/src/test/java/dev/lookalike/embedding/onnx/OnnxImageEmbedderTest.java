package dev.lookalike.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.Layout;
import dev.lookalike.embedding.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real SqueezeNet 1.1 from the shared models folder; see {@link SqueezeNet}. */
class OnnxImageEmbedderTest {

    private static OnnxImageEmbedder classifier;
    private static OnnxImageEmbedder embedder;
    private static DecodedImage kitten;
    private static DecodedImage fish;

    @BeforeAll
    static void load() {
        classifier = new OnnxImageEmbedder("squeezenet-classes",
                SqueezeNet.config(SqueezeNet.PROBABILITIES).withL2Normalize(false));
        embedder = new OnnxImageEmbedder("squeezenet", SqueezeNet.config(SqueezeNet.EMBEDDING));
        kitten = SqueezeNet.kitten();
        fish = SqueezeNet.fish();
    }

    @AfterAll
    static void close() {
        if (classifier != null) {
            classifier.close();
        }
        if (embedder != null) {
            embedder.close();
        }
    }

    @Test
    void classifiesTheReferenceImagesAsPublished() {
        Map<Integer, String> labels = SqueezeNet.labels();
        assertThat(labels).hasSize(1000);
        assertThat(classifier.dimensions()).isEqualTo(1000);

        float[] kittenScores = classifier.embed(kitten);
        float[] fishScores = classifier.embed(fish);

        // PROVENANCE.md: kitten -> "tabby, tabby cat" 0.931, fish -> "tench" 0.738 (same preprocessing)
        assertThat(labels.get(argmax(kittenScores))).isEqualTo("tabby, tabby cat");
        assertThat(kittenScores[argmax(kittenScores)]).isCloseTo(0.931f, within(0.02f));
        assertThat(labels.get(argmax(fishScores))).isEqualTo("tench, Tinca tinca");
        assertThat(fishScores[argmax(fishScores)]).isCloseTo(0.738f, within(0.02f));
        assertThat(sum(kittenScores)).isCloseTo(1.0, within(1e-3)); // raw softmax, not L2-normalized
    }

    @Test
    void embedsIntoUnitVectorsOfTheModelsDimension() {
        assertThat(embedder.name()).isEqualTo("squeezenet");
        assertThat(embedder.dimensions()).isEqualTo(512);
        assertThat(embedder.maxBatch()).as("the model fixes its batch dimension at 1").isEqualTo(1);
        assertThat(embedder.supportsText()).isFalse();

        float[] vector = embedder.embed(kitten);

        assertThat(vector).hasSize(512);
        assertThat(Vectors.dot(vector, vector)).isCloseTo(1.0, within(1e-5));
        for (float v : vector) {
            assertThat(v).isGreaterThanOrEqualTo(0f); // pooled post-ReLU features
        }
    }

    @Test
    void isDeterministicAcrossCallsAndInstances() {
        float[] first = embedder.embed(kitten);

        assertThat(embedder.embed(kitten)).containsExactly(first);
        try (OnnxImageEmbedder other = new OnnxImageEmbedder("other", SqueezeNet.config(SqueezeNet.EMBEDDING))) {
            assertThat(other.embed(kitten)).containsExactly(first);
            assertThat(other.modelId()).isEqualTo(embedder.modelId());
        }
    }

    @Test
    void anEditedCopyOfTheKittenIsCloserToTheKittenThanToTheFish() {
        DecodedImage copy = DecodedImage.of(
                TestImages.read(TestImages.jpeg(TestImages.resize(kitten.image(), 0.6), 70)), "jpeg");

        float[] edited = embedder.embed(copy);
        double toKitten = Vectors.dot(edited, embedder.embed(kitten));
        double toFish = Vectors.dot(edited, embedder.embed(fish));

        System.out.printf("edited kitten: cosine %.3f to the kitten, %.3f to the fish%n", toKitten, toFish);
        assertThat(toKitten).isGreaterThan(0.8).isGreaterThan(toFish + 0.2);
    }

    @Test
    void modelIdNamesTheFileItsHashTheOutputAndThePreprocessing() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(SqueezeNet.model())));

        assertThat(embedder.modelId()).matches("onnx:squeezenet1\\.1_fp32_embed\\.onnx:" + sha.substring(0, 12)
                + ":embedding:[0-9a-f]{8}");
        assertThat(classifier.modelId()).isNotEqualTo(embedder.modelId());
        try (OnnxImageEmbedder rgb = new OnnxImageEmbedder("x", SqueezeNet.config(SqueezeNet.EMBEDDING)
                .withChannelOrder(OnnxImageModelConfig.ChannelOrder.RGB));
             OnnxImageEmbedder threads = new OnnxImageEmbedder("x", SqueezeNet.config(SqueezeNet.EMBEDDING)
                     .withIntraOpThreads(2).withBatchSize(4))) {
            assertThat(rgb.modelId()).as("other preprocessing, other vectors").isNotEqualTo(embedder.modelId());
            assertThat(threads.modelId()).as("threads and batching do not change vectors")
                    .isEqualTo(embedder.modelId());
        }
    }

    @Test
    void embedBatchMatchesSingleEmbedsAndReportsLatency() {
        List<DecodedImage> images = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            images.add(i % 2 == 0 ? kitten : DecodedImage.of(TestImages.generate(i, 400, 300), "png"));
        }
        images.forEach(embedder::embed); // warm-up

        long start = System.nanoTime();
        List<float[]> single = images.stream().map(embedder::embed).toList();
        long singleNanos = System.nanoTime() - start;
        start = System.nanoTime();
        List<float[]> batched = embedder.embedBatch(images);
        long batchNanos = System.nanoTime() - start;

        assertThat(batched).hasSize(images.size());
        for (int i = 0; i < images.size(); i++) {
            assertThat(batched.get(i)).containsExactly(single.get(i));
        }
        assertThat(embedder.embedBatch(List.of())).isEmpty();
        System.out.printf("SqueezeNet 1.1 embedding, 1 intra-op thread: %.1f ms/image single, %.1f ms/image"
                        + " embedBatch (fixed batch %d, so one image per run)%n",
                singleNanos / 1e6 / images.size(), batchNanos / 1e6 / images.size(), embedder.maxBatch());
    }

    @Test
    void isSafeToShareBetweenThreads() {
        List<DecodedImage> images = IntStream.range(0, 8)
                .mapToObj(i -> DecodedImage.of(TestImages.generate(i, 320, 240), "png")).toList();
        List<float[]> sequential = images.stream().map(embedder::embed).toList();

        List<float[]> parallel = images.parallelStream().map(embedder::embed).toList();

        for (int i = 0; i < images.size(); i++) {
            assertThat(parallel.get(i)).containsExactly(sequential.get(i));
        }
    }

    @Test
    void flattensTransparencyOntoWhiteBeforeTheModelSeesIt() {
        // kitten_224.png has an alpha channel; the same pixels laid over white by hand embed identically
        assertThat(kitten.image().getColorModel().hasAlpha()).isTrue();
        DecodedImage flattened = DecodedImage.of(TestImages.toRgb(kitten.image()), "png");

        assertThat(Vectors.dot(embedder.embed(flattened), embedder.embed(kitten))).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void refusesToEmbedAfterClose() {
        OnnxImageEmbedder closing = new OnnxImageEmbedder("closing", SqueezeNet.config(SqueezeNet.EMBEDDING));
        closing.close();
        closing.close(); // idempotent

        assertThatThrownBy(() -> closing.embed(kitten))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aWrongInputNameListsTheModelsRealTensors() {
        OnnxImageModelConfig config = OnnxImageModelConfig.defaults(SqueezeNet.model(), "input", SqueezeNet.EMBEDDING);

        assertThatThrownBy(() -> new OnnxImageEmbedder("bad", config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no input named 'input'")
                .hasMessageContaining("data_0 FLOAT[1,3,224,224]")
                .hasMessageContaining("softmaxout_1 FLOAT[1,1000,1,1]")
                .hasMessageContaining("embedding FLOAT[1,512]");
    }

    @Test
    void aWrongOrMissingOutputNameListsTheModelsRealTensors() {
        assertThatThrownBy(() -> new OnnxImageEmbedder("bad",
                OnnxImageModelConfig.defaults(SqueezeNet.model(), SqueezeNet.INPUT, "features")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no output named 'features'")
                .hasMessageContaining("embedding FLOAT[1,512]");
        assertThatThrownBy(() -> new OnnxImageEmbedder("bad",
                OnnxImageModelConfig.defaults(SqueezeNet.model(), null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 outputs; configure which one")
                .hasMessageContaining("softmaxout_1");
    }

    @Test
    void aMissingModelFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.onnx");

        assertThatThrownBy(() -> new OnnxImageEmbedder("gone",
                OnnxImageModelConfig.defaults(missing, SqueezeNet.INPUT, SqueezeNet.EMBEDDING)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("'gone'");
    }

    @Test
    void aFileThatIsNoModelIsRefusedClearly(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");

        assertThatThrownBy(() -> new OnnxImageEmbedder("junk",
                OnnxImageModelConfig.defaults(junk, SqueezeNet.INPUT, SqueezeNet.EMBEDDING)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load model")
                .hasMessageContaining(junk.toString());
    }

    @Test
    void sizeOrLayoutThatDoesNotFitTheModelIsRefused() {
        assertThatThrownBy(() -> new OnnxImageEmbedder("bad", SqueezeNet.config(SqueezeNet.EMBEDDING)
                .withSize(256, 256)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has shape [1,3,224,224]")
                .hasMessageContaining("[N,3,256,256] (NCHW)");
        assertThatThrownBy(() -> new OnnxImageEmbedder("bad", SqueezeNet.config(SqueezeNet.EMBEDDING)
                .withLayout(Layout.NHWC)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[N,224,224,3] (NHWC)");
    }

    @Test
    void aFloat16InputIsRefusedClearly() {
        Path fp16 = SqueezeNet.dir().resolve("SqueezeNet_fp16.onnx");

        assertThatThrownBy(() -> new OnnxImageEmbedder("half",
                OnnxImageModelConfig.defaults(fp16, SqueezeNet.INPUT, SqueezeNet.PROBABILITIES)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 'data_0' must be a float32 tensor")
                .hasMessageContaining("FLOAT16");
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double sum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }
}
