package dev.lookalike.embedding.onnx;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything {@link OnnxTextEncoder} needs to know about one ONNX text model and its Hugging Face
 * tokenizer: which tensors to feed and read, and how a text becomes token ids.
 * Nothing about a particular model is in code.
 *
 * <p>The defaults ({@link #defaults}) follow CLIP's text tower: ids in {@code input_ids}, a mask in
 * {@code attention_mask}, at most 77 tokens including the start and end tokens, padded to 77,
 * longer texts cut (the end token is kept), L2-normalized output. See {@link ClipEmbedder} for the
 * settings of public CLIP exports.
 *
 * @param modelPath         the {@code .onnx} file; read (and hashed) when the encoder is built
 * @param tokenizerPath     the Hugging Face {@code tokenizer.json}, or a folder holding one; its
 *                          bytes are part of the model id (another vocabulary, other vectors)
 * @param inputIdsName      the model input taking token ids, shape {@code [batch, sequence]}
 * @param attentionMaskName the model input taking the attention mask (1 = token, 0 = padding), same
 *                          shape; {@code null} when the model takes none (some CLIP text exports take
 *                          only {@code input_ids}). The encoder feeds exactly these one or two inputs
 *                          and refuses a model that needs any other
 * @param outputName        the output used as the vector, e.g. {@code text_embeds}; {@code null} means
 *                          the model's only output. Its shape must be {@code [batch, dim]} (or
 *                          {@code [batch, d1, ...]} with every {@code d} fixed, flattened); a per-token
 *                          output such as {@code last_hidden_state} is refused
 * @param maxLength         most tokens per text, special tokens included (77 for CLIP); a model whose
 *                          sequence dimension is fixed must have exactly this many
 * @param padding           how token sequences are padded before the run
 * @param truncation        cut texts longer than {@code maxLength} (keeping the special tokens the
 *                          tokenizer adds); when off such a text is refused
 * @param idType            integer type of the id and mask tensors; {@link TokenIdType#AUTO} follows
 *                          what the model declares, an explicit type must match it
 * @param addSpecialTokens  let the tokenizer's post-processor add its special tokens (CLIP's
 *                          {@code <|startoftext|>}/{@code <|endoftext|>}); leave on for CLIP
 * @param l2Normalize       scale each output vector to unit length (what {@code Embedder} promises)
 * @param intraOpThreads    ONNX Runtime threads used inside one {@code run}
 * @param batchSize         most texts per {@code run} in {@link OnnxTextEncoder#embedBatch} when the
 *                          model's batch dimension is dynamic
 */
public record OnnxTextModelConfig(Path modelPath, Path tokenizerPath, String inputIdsName, String attentionMaskName,
                                  String outputName, int maxLength, Padding padding, boolean truncation,
                                  TokenIdType idType, boolean addSpecialTokens, boolean l2Normalize,
                                  int intraOpThreads, int batchSize) {

    /** How token sequences are padded. Padding tokens are marked 0 in the attention mask. */
    public enum Padding {
        /**
         * Always pad to {@code maxLength}, as the original CLIP does; needed by models with a fixed
         * sequence length, and the safe choice for a model that takes no attention mask.
         */
        MAX_LENGTH,
        /**
         * Pad only to the longest text of a batch, so a single text is not padded at all; fewer
         * tokens per run. Without an attention mask input, a batch of texts is then run one text at a
         * time so that no text sees another's padding.
         */
        LONGEST
    }

    /** Integer type of the {@code input_ids} and {@code attention_mask} tensors. */
    public enum TokenIdType {
        /** Use the type each input declares in the model (int64 or int32). */
        AUTO,
        /** {@code tensor(int64)}: what PyTorch and optimum exports use. */
        INT64,
        /** {@code tensor(int32)}: some hand-made or TensorFlow exports. */
        INT32
    }

    public static final String DEFAULT_INPUT_IDS = "input_ids";
    public static final String DEFAULT_ATTENTION_MASK = "attention_mask";
    /** CLIP's context length: 75 text tokens plus start and end. */
    public static final int CLIP_MAX_LENGTH = 77;
    /** Largest accepted {@code maxLength}; far beyond any text encoder, but stops absurd allocations. */
    static final int MAX_TOKENS = 65_536;

    public OnnxTextModelConfig {
        Objects.requireNonNull(modelPath, "modelPath");
        Objects.requireNonNull(tokenizerPath, "tokenizerPath");
        inputIdsName = blankToNull(inputIdsName);
        attentionMaskName = blankToNull(attentionMaskName);
        outputName = blankToNull(outputName);
        if (inputIdsName == null) {
            throw new IllegalArgumentException("inputIdsName must name the model input that takes token ids");
        }
        if (inputIdsName.equals(attentionMaskName)) {
            throw new IllegalArgumentException("input ids and attention mask cannot be the same input '"
                    + inputIdsName + "'");
        }
        if (maxLength < 1 || maxLength > MAX_TOKENS) {
            throw new IllegalArgumentException("maxLength must be in 1.." + MAX_TOKENS + ", got " + maxLength);
        }
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(idType, "idType");
        if (intraOpThreads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("intraOpThreads and batchSize must be >= 1, got "
                    + intraOpThreads + " and " + batchSize);
        }
    }

    /**
     * CLIP-style defaults: {@code input_ids} + {@code attention_mask}, the model's only output, 77
     * tokens padded to max length with truncation, ids typed as the model declares, special tokens
     * added, L2-normalized output, one intra-op thread, batches of up to 16 texts.
     */
    public static OnnxTextModelConfig defaults(Path modelPath, Path tokenizerPath) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, DEFAULT_INPUT_IDS, DEFAULT_ATTENTION_MASK, null,
                CLIP_MAX_LENGTH, Padding.MAX_LENGTH, true, TokenIdType.AUTO, true, true, 1, 16);
    }

    /** @param newAttentionMaskName {@code null} for a model that takes no attention mask */
    public OnnxTextModelConfig withInputNames(String newInputIdsName, String newAttentionMaskName) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, newInputIdsName, newAttentionMaskName, outputName,
                maxLength, padding, truncation, idType, addSpecialTokens, l2Normalize, intraOpThreads, batchSize);
    }

    /** For a model whose only text input is the ids (e.g. optimum's {@code clip-text-with-projection}). */
    public OnnxTextModelConfig withoutAttentionMask() {
        return withInputNames(inputIdsName, null);
    }

    public OnnxTextModelConfig withOutputName(String newOutputName) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, newOutputName,
                maxLength, padding, truncation, idType, addSpecialTokens, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withMaxLength(int newMaxLength) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                newMaxLength, padding, truncation, idType, addSpecialTokens, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withPadding(Padding newPadding) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, newPadding, truncation, idType, addSpecialTokens, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withTruncation(boolean truncate) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, padding, truncate, idType, addSpecialTokens, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withIdType(TokenIdType newIdType) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, padding, truncation, newIdType, addSpecialTokens, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withAddSpecialTokens(boolean add) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, padding, truncation, idType, add, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withL2Normalize(boolean normalize) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, padding, truncation, idType, addSpecialTokens, normalize, intraOpThreads, batchSize);
    }

    public OnnxTextModelConfig withIntraOpThreads(int threads) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, padding, truncation, idType, addSpecialTokens, l2Normalize, threads, batchSize);
    }

    public OnnxTextModelConfig withBatchSize(int newBatchSize) {
        return new OnnxTextModelConfig(modelPath, tokenizerPath, inputIdsName, attentionMaskName, outputName,
                maxLength, padding, truncation, idType, addSpecialTokens, l2Normalize, intraOpThreads, newBatchSize);
    }

    /**
     * The settings that can change the values of a vector (everything but the files, which are
     * hashed separately, the tensor names and the thread and batch settings); part of the model id.
     * Padding is included although it changes nothing for a masked or causal model: it does for others.
     */
    String vectorSignature(String resolvedOutputName, String tokenizerHash) {
        return "out=" + resolvedOutputName + ";tokenizer=" + tokenizerHash + ";max=" + maxLength + ";pad=" + padding
                + ";truncate=" + truncation + ";special=" + addSpecialTokens + ";mask=" + (attentionMaskName != null)
                + ";l2=" + l2Normalize;
    }

    private static String blankToNull(String name) {
        return name == null || name.isBlank() ? null : name;
    }
}
