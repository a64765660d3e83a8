package dev.lookalike.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.embedding.onnx.OnnxTextModelConfig.Padding;
import dev.lookalike.embedding.onnx.OnnxTextModelConfig.TokenIdType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Defaults and validation of the text model config; no model needed. */
class OnnxTextModelConfigTest {

    private static final Path MODEL = Path.of("text.onnx");
    private static final Path TOKENIZER = Path.of("tokenizer.json");

    @Test
    void defaultsAreClipsTextTower() {
        OnnxTextModelConfig config = OnnxTextModelConfig.defaults(MODEL, TOKENIZER);

        assertThat(config.inputIdsName()).isEqualTo("input_ids");
        assertThat(config.attentionMaskName()).isEqualTo("attention_mask");
        assertThat(config.outputName()).as("the model's only output").isNull();
        assertThat(config.maxLength()).isEqualTo(77);
        assertThat(config.padding()).isEqualTo(Padding.MAX_LENGTH);
        assertThat(config.truncation()).isTrue();
        assertThat(config.idType()).isEqualTo(TokenIdType.AUTO);
        assertThat(config.addSpecialTokens()).isTrue();
        assertThat(config.l2Normalize()).isTrue();
        assertThat(config.intraOpThreads()).isEqualTo(1);
        assertThat(config.batchSize()).isEqualTo(16);
    }

    @Test
    void blankNamesMeanNone() {
        OnnxTextModelConfig config = OnnxTextModelConfig.defaults(MODEL, TOKENIZER).withInputNames("ids", " ")
                .withOutputName("");

        assertThat(config.inputIdsName()).isEqualTo("ids");
        assertThat(config.attentionMaskName()).isNull();
        assertThat(config.outputName()).isNull();
    }

    @Test
    void refusesSettingsThatCannotWork() {
        OnnxTextModelConfig config = OnnxTextModelConfig.defaults(MODEL, TOKENIZER);

        assertThatThrownBy(() -> config.withInputNames(" ", "attention_mask"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputIdsName");
        assertThatThrownBy(() -> config.withInputNames("tokens", "tokens"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same input 'tokens'");
        assertThatThrownBy(() -> config.withMaxLength(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> config.withMaxLength(100_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> config.withBatchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> config.withIntraOpThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> config.withPadding(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> config.withIdType(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OnnxTextModelConfig.defaults(MODEL, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tokenizerPath");
    }

    @Test
    void theSignatureChangesWithWhatChangesVectorsOnly() {
        OnnxTextModelConfig config = OnnxTextModelConfig.defaults(MODEL, TOKENIZER);
        String base = config.vectorSignature("text_embeds", "abc");

        assertThat(config.withIntraOpThreads(4).withBatchSize(2).withInputNames("ids", "mask")
                .vectorSignature("text_embeds", "abc")).isEqualTo(base);
        assertThat(config.vectorSignature("text_embeds", "abd")).isNotEqualTo(base);
        assertThat(config.withMaxLength(64).vectorSignature("text_embeds", "abc")).isNotEqualTo(base);
        assertThat(config.withoutAttentionMask().vectorSignature("text_embeds", "abc")).isNotEqualTo(base);
        assertThat(config.withAddSpecialTokens(false).vectorSignature("text_embeds", "abc")).isNotEqualTo(base);
        assertThat(config.withL2Normalize(false).vectorSignature("text_embeds", "abc")).isNotEqualTo(base);
    }
}
