package dev.lookalike.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.onnx.OnnxTextModelConfig.Padding;
import dev.lookalike.embedding.onnx.OnnxTextModelConfig.TokenIdType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text tower on hand-written models and a real Hugging Face tokenizer.json; see {@link TinyClip}. */
class OnnxTextEncoderTest {

    @TempDir
    Path dir;
    private Path tokenizer;

    @BeforeEach
    void writeTokenizer() throws Exception {
        tokenizer = TinyClip.tokenizer(dir);
    }

    private OnnxTextModelConfig config(Path model) {
        return OnnxTextModelConfig.defaults(model, tokenizer);
    }

    /** An echo model of fixed length 8: the encoder's output is exactly the ids (then the mask) it fed. */
    private OnnxTextEncoder echo(int idType, boolean mask) throws Exception {
        Path model = TinyClip.echo(dir.resolve("echo-" + idType + "-" + mask + ".onnx"), idType, mask, 8);
        OnnxTextModelConfig config = config(model).withMaxLength(8).withL2Normalize(false);
        return new OnnxTextEncoder("echo", mask ? config : config.withoutAttentionMask());
    }

    @Test
    void embedsTextIntoAUnitVectorOfTheModelsDimension() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        try (OnnxTextEncoder encoder = new OnnxTextEncoder("clip", config(model))) {
            assertThat(encoder.name()).isEqualTo("clip");
            assertThat(encoder.dimensions()).isEqualTo(4);
            assertThat(encoder.maxBatch()).isEqualTo(16);

            float[] red = encoder.embed("Red");

            // mean over [BOS] red [EOS] (the 74 [PAD]s are masked): (3, 0, 0, 1) / 3, then unit length
            assertThat(red).containsExactly(normalized(3, 0, 0, 1), within(1e-6f));
            assertThat(Vectors.dot(red, red)).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void feedsPaddedIdsAndTheAttentionMask() throws Exception {
        try (OnnxTextEncoder encoder = echo(TinyOnnxModel.INT64, true)) {
            assertThat(encoder.dimensions()).isEqualTo(16);

            assertThat(encoder.embed("red GREEN")).containsExactly(
                    2, 4, 5, 3, 0, 0, 0, 0, // [BOS] red green [EOS] [PAD]...
                    1, 1, 1, 1, 0, 0, 0, 0);
            assertThat(encoder.embed("purple")).as("unknown words become [UNK]")
                    .containsExactly(2, 1, 3, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void truncatesAtMaxLengthKeepingTheEndToken() throws Exception {
        try (OnnxTextEncoder encoder = echo(TinyOnnxModel.INT64, true)) {
            assertThat(encoder.embed("red green blue red green blue red green blue")).containsExactly(
                    2, 4, 5, 6, 4, 5, 6, 3, // 6 of 9 words fit between [BOS] and [EOS]
                    1, 1, 1, 1, 1, 1, 1, 1);
            assertThat(encoder.embed("red green blue red green blue")).as("exactly max length")
                    .containsExactly(2, 4, 5, 6, 4, 5, 6, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        }
    }

    @Test
    void refusesTooLongTextsWhenTruncationIsOff() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        try (OnnxTextEncoder encoder = new OnnxTextEncoder("strict",
                config(model).withMaxLength(4).withTruncation(false))) {
            assertThat(encoder.embed("red green")).hasSize(4); // [BOS] red green [EOS]: fits

            assertThatThrownBy(() -> encoder.embed("red green blue"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("text of 5 tokens is longer than maxLength 4")
                    .hasMessageContaining("'red green blue'");
        }
    }

    @Test
    void feedsInt32OrInt64AsTheModelDeclares() throws Exception {
        try (OnnxTextEncoder int64 = echo(TinyOnnxModel.INT64, true);
             OnnxTextEncoder int32 = echo(TinyOnnxModel.INT32, true)) {
            assertThat(int32.embed("blue red")).containsExactly(int64.embed("blue red"));
        }
        Path int32Text = TinyClip.textTower(dir.resolve("int32.onnx"), TinyOnnxModel.INT32, true, TinyClip.DIMS);
        Path int64Text = TinyClip.textTower(dir.resolve("int64.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        try (OnnxTextEncoder int32 = new OnnxTextEncoder("i32", config(int32Text).withIdType(TokenIdType.INT32));
             OnnxTextEncoder int64 = new OnnxTextEncoder("i64", config(int64Text).withIdType(TokenIdType.INT64))) {
            assertThat(int32.embed("a photo of green")).containsExactly(int64.embed("a photo of green"), within(1e-6f));
        }
    }

    @Test
    void anIdTypeThatDoesNotMatchTheModelIsRefused() throws Exception {
        Path int32Text = TinyClip.textTower(dir.resolve("int32.onnx"), TinyOnnxModel.INT32, true, TinyClip.DIMS);

        assertThatThrownBy(() -> new OnnxTextEncoder("bad", config(int32Text).withIdType(TokenIdType.INT64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 'input_ids' is INT32 but the config says INT64");
    }

    @Test
    void theAttentionMaskHidesPaddingFromAMaskedModel() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("masked.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        try (OnnxTextEncoder padded = new OnnxTextEncoder("padded", config(model));
             OnnxTextEncoder unpadded = new OnnxTextEncoder("unpadded", config(model).withPadding(Padding.LONGEST))) {
            assertThat(padded.embed("red")).containsExactly(unpadded.embed("red"), within(1e-6f));
        }
    }

    @Test
    void withoutAMaskPaddingReachesTheModel() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("unmasked.onnx"), TinyOnnxModel.INT64, false, TinyClip.DIMS);
        OnnxTextModelConfig config = config(model).withoutAttentionMask();
        try (OnnxTextEncoder padded = new OnnxTextEncoder("padded", config);
             OnnxTextEncoder unpadded = new OnnxTextEncoder("unpadded", config.withPadding(Padding.LONGEST))) {
            float[] short3 = unpadded.embed("red"); // mean of [BOS] red [EOS]
            float[] long77 = padded.embed("red"); // ... and 74 [PAD]s, which sit on the neutral axis

            assertThat(short3).containsExactly(normalized(3, 0, 0, 1), within(1e-6f));
            assertThat(long77).containsExactly(normalized(3, 0, 0, 75), within(1e-6f));
            assertThat(padded.modelId()).as("padding is part of the vector signature")
                    .isNotEqualTo(unpadded.modelId());
        }
    }

    @Test
    void maskInputsMustMatchTheModel() throws Exception {
        Path unmasked = TinyClip.textTower(dir.resolve("unmasked.onnx"), TinyOnnxModel.INT64, false, TinyClip.DIMS);
        Path masked = TinyClip.textTower(dir.resolve("masked.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);

        assertThatThrownBy(() -> new OnnxTextEncoder("x", config(unmasked)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no input named 'attention_mask'")
                .hasMessageContaining("withoutAttentionMask()")
                .hasMessageContaining("inputs: [input_ids INT64[?,?]]");
        assertThatThrownBy(() -> new OnnxTextEncoder("x", config(masked).withoutAttentionMask()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs input(s) [attention_mask] that a text encoder does not feed")
                .hasMessageContaining("configure attentionMaskName 'attention_mask'");
    }

    @Test
    void aCombinedImageAndTextModelIsRefusedWithAHint() throws Exception {
        Path combined = TinyClip.combined(dir.resolve("model.onnx"));

        assertThatThrownBy(() -> new OnnxTextEncoder("x", config(combined).withOutputName("text_embeds")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs input(s) [pixel_values]")
                .hasMessageContaining("combined image+text model");
    }

    @Test
    void aFixedSequenceLengthMustBeTheMaxLengthPaddedTo() throws Exception {
        Path model = TinyClip.echo(dir.resolve("echo.onnx"), TinyOnnxModel.INT64, true, 8);

        assertThatThrownBy(() -> new OnnxTextEncoder("x", config(model)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fixes the sequence length at 8 tokens")
                .hasMessageContaining("now maxLength 77, MAX_LENGTH padding");
        assertThatThrownBy(() -> new OnnxTextEncoder("x", config(model).withMaxLength(8)
                .withPadding(Padding.LONGEST)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configure maxLength 8 with MAX_LENGTH padding");
    }

    @Test
    void measuresAVectorSizeThatTheModelLeavesOpen() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("open.onnx"), TinyOnnxModel.INT64, false, 4, true);
        OnnxTextModelConfig config = config(model).withoutAttentionMask();

        try (OnnxTextEncoder encoder = new OnnxTextEncoder("open", config.withOutputName("text_embeds"))) {
            assertThat(encoder.dimensions()).isEqualTo(4);
            assertThat(encoder.embed("blue")).hasSize(4);
        }
        assertThatThrownBy(() -> new OnnxTextEncoder("x", config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 outputs; configure which one to use");
        assertThatThrownBy(() -> new OnnxTextEncoder("x", config.withOutputName("last_hidden_state")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output 'last_hidden_state' has shape [?,?,4], one vector per token");
    }

    @Test
    void missingOrBrokenFilesGiveClearErrors() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        Path missing = dir.resolve("nope.onnx");
        Path emptyDir = Files.createDirectory(dir.resolve("no-tokenizer"));
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"model\": ");
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");

        assertThatThrownBy(() -> new OnnxTextEncoder("gone", config(missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONNX text model file for encoder 'gone' not found or not readable")
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> new OnnxTextEncoder("gone", OnnxTextModelConfig.defaults(model,
                dir.resolve("missing.json"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json for text encoder 'gone' not found or not readable")
                .hasMessageContaining("missing.json");
        assertThatThrownBy(() -> new OnnxTextEncoder("gone", OnnxTextModelConfig.defaults(model, emptyDir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(emptyDir.resolve("tokenizer.json").toString());
        assertThatThrownBy(() -> new OnnxTextEncoder("broken", OnnxTextModelConfig.defaults(model, broken)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load tokenizer")
                .hasMessageContaining(broken.toString());
        assertThatThrownBy(() -> new OnnxTextEncoder("junk", config(junk)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load text model")
                .hasMessageContaining(junk.toString());
    }

    @Test
    void aTokenizerFolderIsReadLikeItsTokenizerJson() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        try (OnnxTextEncoder byFile = new OnnxTextEncoder("file", config(model));
             OnnxTextEncoder byFolder = new OnnxTextEncoder("folder", OnnxTextModelConfig.defaults(model, dir))) {
            assertThat(byFolder.embed("green")).containsExactly(byFile.embed("green"));
            assertThat(byFolder.modelId()).isEqualTo(byFile.modelId());
        }
    }

    @Test
    void modelIdNamesTheModelFileItsHashTheOutputAndTheTokenizer() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        Path otherDir = Files.createDirectory(dir.resolve("other"));
        Path otherTokenizer = Files.writeString(otherDir.resolve("tokenizer.json"),
                TinyClip.TOKENIZER.replace("\"Lowercase\"", "\"NFC\""));
        try (OnnxTextEncoder encoder = new OnnxTextEncoder("a", config(model));
             OnnxTextEncoder threads = new OnnxTextEncoder("b", config(model).withIntraOpThreads(2).withBatchSize(3));
             OnnxTextEncoder otherVocabulary = new OnnxTextEncoder("c", OnnxTextModelConfig.defaults(model,
                     otherTokenizer))) {
            assertThat(encoder.modelId()).matches("onnx-text:text\\.onnx:[0-9a-f]{12}:text_embeds:[0-9a-f]{8}");
            assertThat(threads.modelId()).isEqualTo(encoder.modelId());
            assertThat(otherVocabulary.modelId()).isNotEqualTo(encoder.modelId());
            assertThat(otherVocabulary.embed("red")).as("no lower-casing: 'RED' is unknown")
                    .isNotEqualTo(otherVocabulary.embed("RED"));
        }
    }

    @Test
    void embedBatchMatchesSingleEmbeds() throws Exception {
        Path masked = TinyClip.textTower(dir.resolve("masked.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        Path unmasked = TinyClip.textTower(dir.resolve("unmasked.onnx"), TinyOnnxModel.INT32, false, TinyClip.DIMS);
        List<String> texts = List.of("red", "a photo of green", "blue blue", "purple", "a photo of a red", "green");
        for (OnnxTextModelConfig config : List.of(config(masked).withPadding(Padding.LONGEST).withBatchSize(4),
                config(masked).withBatchSize(4), config(unmasked).withoutAttentionMask().withPadding(Padding.LONGEST))) {
            try (OnnxTextEncoder encoder = new OnnxTextEncoder("batch", config)) {
                List<float[]> batched = encoder.embedBatch(texts);

                assertThat(batched).hasSize(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(batched.get(i)).as("%s, text %d", config, i)
                            .containsExactly(encoder.embed(texts.get(i)), within(1e-6f));
                }
                assertThat(encoder.embedBatch(List.of())).isEmpty();
            }
        }
    }

    @Test
    void isSafeToShareBetweenThreadsAndRefusesWorkAfterClose() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        OnnxTextEncoder encoder = new OnnxTextEncoder("shared", config(model));
        List<String> texts = IntStream.range(0, 64).mapToObj(i -> List.of("red", "green", "blue", "a photo of").get(i % 4)
                + " " + "blue ".repeat(i % 5)).toList();
        List<float[]> sequential = texts.stream().map(encoder::embed).toList();

        List<float[]> parallel = texts.parallelStream().map(encoder::embed).toList();

        for (int i = 0; i < texts.size(); i++) {
            assertThat(parallel.get(i)).containsExactly(sequential.get(i));
        }
        encoder.close();
        encoder.close(); // idempotent
        assertThatThrownBy(() -> encoder.embed("red"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void blankTextIsRefused() throws Exception {
        Path model = TinyClip.textTower(dir.resolve("text.onnx"), TinyOnnxModel.INT64, true, TinyClip.DIMS);
        try (OnnxTextEncoder encoder = new OnnxTextEncoder("x", config(model))) {
            assertThatThrownBy(() -> encoder.embed("  ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blank");
            assertThatThrownBy(() -> encoder.embedBatch(List.of("red", ""))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static float[] normalized(float... values) {
        return Vectors.l2Normalize(values);
    }
}
