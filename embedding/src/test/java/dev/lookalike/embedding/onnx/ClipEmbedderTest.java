package dev.lookalike.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ResizeMode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text-to-image search end to end on a toy CLIP ({@link TinyClip}), configured exactly as the
 * documented OpenAI CLIP export is ({@link ClipEmbedder#imageConfig}, {@link ClipEmbedder#textConfig}).
 */
class ClipEmbedderTest {

    @TempDir
    Path dir;
    private Path vision;
    private Path text;
    private Path tokenizer;

    @BeforeEach
    void writeModels() throws Exception {
        vision = TinyClip.imageTower(dir.resolve("vision_model.onnx"), TinyClip.DIMS);
        text = TinyClip.textTower(dir.resolve("text_model.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        tokenizer = TinyClip.tokenizer(dir);
    }

    private ClipEmbedder clip() {
        return ClipEmbedder.open("clip", ClipEmbedder.imageConfig(vision), ClipEmbedder.textConfig(text, tokenizer));
    }

    /** A noisy, non-square image of one dominant colour, so resizing and center cropping do real work. */
    private static DecodedImage photo(Color colour, int seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(320 + seed * 7, 200 + seed * 3, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < 40; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(random.nextInt(image.getWidth()), random.nextInt(image.getHeight()), 12, 12);
        }
        g.dispose();
        return DecodedImage.of(image, "png");
    }

    @Test
    void aColourWordRetrievesTheImageOfThatColourFirst() {
        Map<String, DecodedImage> images = new LinkedHashMap<>();
        images.put("red", photo(new Color(210, 40, 35), 1));
        images.put("green", photo(new Color(40, 180, 60), 2));
        images.put("blue", photo(new Color(30, 60, 200), 3));
        images.put("dark red", photo(new Color(140, 20, 20), 4));
        try (ClipEmbedder clip = clip()) {
            Map<String, float[]> vectors = new LinkedHashMap<>();
            images.forEach((label, image) -> vectors.put(label, clip.embed(image)));

            for (String query : List.of("red", "green", "blue")) {
                float[] q = clip.embedText(query);
                System.out.printf("'%s' -> %s%n", query, String.join(", ", vectors.entrySet().stream()
                        .map(e -> String.format("%s %.3f", e.getKey(), Vectors.dot(q, e.getValue()))).toList()));
            }

            assertThat(search(clip, "red", vectors).subList(0, 2)).containsExactly("red", "dark red");
            assertThat(search(clip, "GREEN", vectors).get(0)).isEqualTo("green");
            assertThat(search(clip, "a photo of blue", vectors).get(0)).isEqualTo("blue");
            assertThat(Vectors.dot(clip.embedText("red"), vectors.get("red"))).as("red image vs 'red'")
                    .isGreaterThan(0.5);
            assertThat(Vectors.dot(clip.embedText("blue"), vectors.get("red"))).as("red image vs 'blue'")
                    .isLessThan(0);
        }
    }

    @Test
    void anImageFindsItsOwnLabelAmongTexts() {
        try (ClipEmbedder clip = clip()) {
            List<String> labels = List.of("a photo of red", "a photo of green", "a photo of blue");
            List<float[]> labelVectors = clip.embedTexts(labels);

            float[] green = clip.embed(photo(new Color(30, 200, 50), 5));

            String best = labels.get(0);
            double bestScore = -2;
            for (int i = 0; i < labels.size(); i++) {
                double score = Vectors.dot(green, labelVectors.get(i));
                if (score > bestScore) {
                    best = labels.get(i);
                    bestScore = score;
                }
            }
            assertThat(best).isEqualTo("a photo of green");
        }
    }

    @Test
    void imagesAndTextsAreUnitVectorsOfOneDimension() {
        try (ClipEmbedder clip = clip()) {
            Embedder embedder = clip;

            assertThat(embedder.supportsText()).isTrue();
            assertThat(embedder.name()).isEqualTo("clip");
            assertThat(embedder.dimensions()).isEqualTo(TinyClip.DIMS)
                    .isEqualTo(clip.imageEmbedder().dimensions()).isEqualTo(clip.textEncoder().dimensions());
            float[] image = embedder.embed(photo(Color.ORANGE, 6));
            float[] query = embedder.embedText("Blue");
            assertThat(image).hasSize(4);
            assertThat(query).hasSize(4);
            assertThat(Vectors.dot(image, image)).isCloseTo(1.0, within(1e-5));
            assertThat(Vectors.dot(query, query)).isCloseTo(1.0, within(1e-5));
            assertThat(clip.embedBatch(List.of(photo(Color.RED, 7), photo(Color.BLUE, 8)))).hasSize(2);
        }
    }

    @Test
    void modelIdCombinesBothTowersIds() throws Exception {
        try (ClipEmbedder clip = clip()) {
            assertThat(clip.modelId()).isEqualTo("clip:" + clip.imageEmbedder().modelId() + "|"
                    + clip.textEncoder().modelId());
            assertThat(clip.modelId()).matches("clip:onnx:vision_model\\.onnx:\\w{12}:image_embeds:\\w{8}"
                    + "\\|onnx-text:text_model\\.onnx:\\w{12}:text_embeds:\\w{8}");

            Path otherText = TinyClip.textTower(dir.resolve("text_model_nomask.onnx"), TinyOnnxModel.INT64, false,
                    TinyClip.DIMS);
            try (ClipEmbedder other = ClipEmbedder.open("clip", ClipEmbedder.imageConfig(vision),
                    ClipEmbedder.textConfig(otherText, tokenizer).withoutAttentionMask())) {
                assertThat(other.modelId()).as("another text tower, other vectors").isNotEqualTo(clip.modelId());
                assertThat(other.modelId()).startsWith("clip:" + clip.imageEmbedder().modelId() + "|");
            }
        }
    }

    @Test
    void theClipPresetsMatchTheDocumentedExport() {
        OnnxImageModelConfig image = ClipEmbedder.imageConfig(vision);
        assertThat(image.inputName()).isEqualTo("pixel_values");
        assertThat(image.outputName()).isEqualTo("image_embeds");
        assertThat(image.width()).isEqualTo(224);
        assertThat(image.height()).isEqualTo(224);
        assertThat(image.layout()).isEqualTo(OnnxImageModelConfig.Layout.NCHW);
        assertThat(image.channelOrder()).isEqualTo(OnnxImageModelConfig.ChannelOrder.RGB);
        assertThat(image.pixelScale()).isEqualTo(1.0 / 255);
        assertThat(image.mean()).containsExactly(0.48145466, 0.4578275, 0.40821073);
        assertThat(image.std()).containsExactly(0.26862954, 0.26130258, 0.27577711);
        assertThat(image.resizeMode()).isEqualTo(ResizeMode.CENTER_CROP);
        assertThat(image.l2Normalize()).isTrue();

        OnnxTextModelConfig textConfig = ClipEmbedder.textConfig(text, tokenizer);
        assertThat(textConfig.inputIdsName()).isEqualTo("input_ids");
        assertThat(textConfig.attentionMaskName()).isEqualTo("attention_mask");
        assertThat(textConfig.outputName()).isEqualTo("text_embeds");
        assertThat(textConfig.maxLength()).isEqualTo(77);
        assertThat(textConfig.padding()).isEqualTo(OnnxTextModelConfig.Padding.MAX_LENGTH);
        assertThat(textConfig.truncation()).isTrue();
        assertThat(textConfig.idType()).isEqualTo(OnnxTextModelConfig.TokenIdType.AUTO);
        assertThat(textConfig.addSpecialTokens()).isTrue();
        assertThat(textConfig.l2Normalize()).isTrue();
        assertThat(textConfig.withoutAttentionMask().attentionMaskName()).isNull();
    }

    @Test
    void towersOfDifferentDimensionsAreRefused() throws Exception {
        Path wideText = TinyClip.textTower(dir.resolve("wide.onnx"), TinyOnnxModel.INT64, true, 5);

        assertThatThrownBy(() -> ClipEmbedder.open("clip", ClipEmbedder.imageConfig(vision),
                ClipEmbedder.textConfig(wideText, tokenizer)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the image tower gives 4 dims")
                .hasMessageContaining("the text tower gives 5")
                .hasMessageContaining("not pooler_output");
    }

    @Test
    void unnormalizedTowersAreRefused() {
        OnnxImageEmbedder image = new OnnxImageEmbedder("clip", ClipEmbedder.imageConfig(vision).withL2Normalize(false));
        OnnxTextEncoder encoder = new OnnxTextEncoder("clip", ClipEmbedder.textConfig(text, tokenizer));
        try {
            assertThatThrownBy(() -> new ClipEmbedder("clip", image, encoder))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must L2-normalize")
                    .hasMessageContaining("image: false");
        } finally {
            image.close();
            encoder.close();
        }
    }

    @Test
    void missingFilesAreNamed() {
        Path noText = dir.resolve("missing_text.onnx");
        Path noTokenizer = dir.resolve("missing").resolve("tokenizer.json");

        assertThatThrownBy(() -> ClipEmbedder.open("clip", ClipEmbedder.imageConfig(dir.resolve("missing.onnx")),
                ClipEmbedder.textConfig(text, tokenizer)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found").hasMessageContaining("missing.onnx");
        assertThatThrownBy(() -> ClipEmbedder.open("clip", ClipEmbedder.imageConfig(vision),
                ClipEmbedder.textConfig(noText, tokenizer)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONNX text model file").hasMessageContaining("missing_text.onnx");
        assertThatThrownBy(() -> ClipEmbedder.open("clip", ClipEmbedder.imageConfig(vision),
                ClipEmbedder.textConfig(text, noTokenizer)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json for text encoder 'clip' not found")
                .hasMessageContaining(noTokenizer.toString());
    }

    @Test
    void theCombinedOptimumModelFitsNeitherTower() throws Exception {
        Path combined = TinyClip.combined(dir.resolve("model.onnx"));

        assertThatThrownBy(() -> new OnnxImageEmbedder("clip", ClipEmbedder.imageConfig(combined)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 3 inputs; only single-input image models are supported");
        assertThatThrownBy(() -> new OnnxTextEncoder("clip", ClipEmbedder.textConfig(combined, tokenizer)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs input(s) [pixel_values]");
    }

    @Test
    void closeClosesBothTowers() {
        ClipEmbedder clip = clip();
        DecodedImage image = photo(Color.RED, 9);
        clip.close();
        clip.close(); // idempotent

        assertThatThrownBy(() -> clip.embed(image)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> clip.embedText("red")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /** Labels of the images, most similar to the query first. */
    private static List<String> search(Embedder embedder, String query, Map<String, float[]> images) {
        float[] q = embedder.embedText(query);
        return images.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, float[]> e) -> -Vectors.dot(q, e.getValue())))
                .map(Map.Entry::getKey).toList();
    }
}
