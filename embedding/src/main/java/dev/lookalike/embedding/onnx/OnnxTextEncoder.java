package dev.lookalike.embedding.onnx;

import static dev.lookalike.embedding.onnx.OnnxModelInfo.describe;
import static dev.lookalike.embedding.onnx.OnnxModelInfo.sha256;
import static dev.lookalike.embedding.onnx.OnnxModelInfo.shapeText;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.onnx.OnnxTextModelConfig.Padding;
import dev.lookalike.embedding.onnx.OnnxTextModelConfig.TokenIdType;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns texts into vectors with an ONNX text model run by ONNX Runtime (CPU) and the model's
 * Hugging Face {@code tokenizer.json}, tokenized by the Rust {@code tokenizers} library through DJL.
 * Its native library ships inside the DJL jar (Linux x86-64/aarch64, macOS aarch64, Windows x86-64)
 * and is unpacked on first use to {@code $ENGINE_CACHE_DIR} or {@code $DJL_CACHE_DIR} (environment
 * variable or system property), else {@code ~/.djl.ai}, else the temp folder when home is not
 * writable; nothing is downloaded on CPU. Which tensors to use and how to tokenize are all
 * {@link OnnxTextModelConfig}; the vector size is read from the model's output shape, or, when the
 * model leaves it open, from one run at construction.
 *
 * <p>The text tower of a dual encoder: {@link ClipEmbedder} pairs it with an {@link OnnxImageEmbedder}.
 * Thread-safe: one session and one tokenizer are shared by all threads; {@link #close()} waits for
 * runs in flight. The model id names the model file and a hash of its bytes, the output, the
 * tokenizer's bytes and the tokenization settings.
 */
public final class OnnxTextEncoder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxTextEncoder.class);
    /** Tokenized once at construction when the model leaves the vector size open. */
    private static final String PROBE_TEXT = "a";

    private final String name;
    private final OnnxTextModelConfig config;
    private final OrtEnvironment environment;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final String idsName;
    /** {@code null} when the model takes no attention mask. */
    private final String maskName;
    private final String outputName;
    private final OnnxJavaType idsType;
    private final OnnxJavaType maskType;
    /** Batch dimension of the inputs when the model fixes it, else -1. */
    private final long fixedBatch;
    private final int maxBatch;
    private final int dimensions;
    private final String modelId;
    /** Readers are runs; close() takes the write lock so nothing native is freed under a run. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * Loads the tokenizer and the model and checks them against the config.
     *
     * @param name the vector this encoder produces, for messages and logs, e.g. {@code "clip"}
     * @throws IllegalArgumentException when a file is missing or unreadable, the tokenizer cannot be
     *                                  parsed, or the model does not fit the config (unknown or extra
     *                                  inputs, wrong types, a fixed sequence length other than
     *                                  {@code maxLength}, a per-token output); the message lists the
     *                                  model's real inputs and outputs
     */
    public OnnxTextEncoder(String name, OnnxTextModelConfig config) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a text encoder needs a non-blank name");
        }
        this.name = name;
        this.config = Objects.requireNonNull(config, "config");
        Path modelFile = config.modelPath().toAbsolutePath().normalize();
        if (!Files.isRegularFile(modelFile) || !Files.isReadable(modelFile)) {
            throw new IllegalArgumentException("ONNX text model file for encoder '" + name
                    + "' not found or not readable: " + modelFile);
        }
        Path tokenizerFile = tokenizerFile(config.tokenizerPath(), name);
        String modelHash = sha256(modelFile);
        String tokenizerHash = sha256(tokenizerFile);
        this.environment = OrtEnvironment.getEnvironment();
        this.tokenizer = loadTokenizer(tokenizerFile, config, name);
        OrtSession opened = null;
        try {
            opened = openSession(modelFile);
            this.session = opened;
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String where = "ONNX text model " + modelFile.getFileName() + " (encoder '" + name + "')";
            String tensors = "; the model's inputs: " + describe(inputs) + "; outputs: " + describe(outputs);
            this.idsName = config.inputIdsName();
            this.maskName = config.attentionMaskName();
            long[] idsShape = tokenShape(inputs, idsName, "input ids", where, tensors);
            long[] maskShape = maskName == null ? null : tokenShape(inputs, maskName, "attention mask", where, tensors);
            checkNoOtherInputs(inputs, where, tensors);
            this.idsType = tokenType(inputs.get(idsName), where, tensors);
            this.maskType = maskName == null ? null : tokenType(inputs.get(maskName), where, tensors);
            this.fixedBatch = fixedDimension(idsShape[0], maskShape == null ? -1 : maskShape[0], "batch", where,
                    tensors);
            long fixedLength = fixedDimension(idsShape[1], maskShape == null ? -1 : maskShape[1], "sequence", where,
                    tensors);
            checkSequenceLength(fixedLength, where, tensors);
            this.maxBatch = fixedBatch > 0 ? (int) fixedBatch : config.batchSize();
            this.outputName = pickOutput(outputs, where, tensors);
            int declared = outputSize(outputs.get(outputName), where, tensors);
            this.dimensions = declared > 0 ? declared : probe(where, tensors);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(opened);
            tokenizer.close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalArgumentException("cannot inspect ONNX text model " + modelFile + ": " + e.getMessage(), e);
        }
        String signature = sha256(config.vectorSignature(outputName, tokenizerHash)
                .getBytes(StandardCharsets.UTF_8));
        this.modelId = "onnx-text:" + modelFile.getFileName() + ":" + modelHash.substring(0, 12) + ":" + outputName
                + ":" + signature.substring(0, 8);
        LOG.info("Text encoder '{}' loaded {} with tokenizer {}: inputs {} {}{}, output {} ({} dims), up to {} tokens"
                        + " ({} padding), {} text(s) per run", name, modelFile, tokenizerFile, idsName, idsType,
                maskName == null ? " (no attention mask)" : ", " + maskName + " " + maskType, outputName, dimensions,
                config.maxLength(), config.padding(), maxBatch);
    }

    public String name() {
        return name;
    }

    /**
     * {@code onnx-text:<file name>:<sha256 of the file, 12 hex>:<output name>:<hash of tokenizer and
     * settings, 8 hex>}. Threads, batch size and tensor names are left out: they do not change vectors.
     */
    public String modelId() {
        return modelId;
    }

    public int dimensions() {
        return dimensions;
    }

    public OnnxTextModelConfig config() {
        return config;
    }

    /** Texts per {@code session.run}: the model's fixed batch size, else the configured batch size. */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * The vector of one text: unit length when the config normalizes.
     *
     * @throws IllegalArgumentException for a blank text, or one longer than {@code maxLength} tokens
     *                                  when truncation is off
     */
    public float[] embed(String text) {
        return run(List.of(requireText(text)), dimensions).get(0);
    }

    /**
     * Embeds several texts, {@link #maxBatch()} per run; one vector per text, in order, each the same
     * as {@link #embed} gives for that text (texts of a batch are padded only as far as the longest,
     * and the attention mask hides the padding; a model without a mask input under
     * {@link Padding#LONGEST} gets one text per run instead).
     */
    public List<float[]> embedBatch(List<String> texts) {
        texts.forEach(OnnxTextEncoder::requireText);
        int step = maskName == null && config.padding() == Padding.LONGEST ? 1 : maxBatch;
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += step) {
            vectors.addAll(run(texts.subList(from, Math.min(texts.size(), from + step)), dimensions));
        }
        return vectors;
    }

    /** Frees the session and the tokenizer; waits for runs in flight. Later calls to embed fail. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(session);
                tokenizer.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** @param expected vector size to check, or -1 to accept whatever the model returns (the probe) */
    private List<float[]> run(List<String> texts, int expected) {
        int count = texts.size();
        int rows = fixedBatch > 0 ? (int) fixedBatch : count; // a fixed batch is filled with copies of the first text
        FloatBuffer output;
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("text encoder '" + name + "' is closed");
            }
            Encoding[] encodings = count == 1 ? new Encoding[] {tokenizer.encode(texts.get(0))}
                    : tokenizer.batchEncode(texts);
            int length = checkLengths(texts, encodings);
            Map<String, OnnxTensor> feed = new HashMap<>();
            try {
                feed.put(idsName, tensor(encodings, rows, length, idsType, false));
                if (maskName != null) {
                    feed.put(maskName, tensor(encodings, rows, length, maskType, true));
                }
                try (OrtSession.Result result = session.run(feed, Set.of(outputName))) {
                    OnnxValue value = result.get(outputName).orElseThrow();
                    output = ((OnnxTensor) value).getFloatBuffer(); // a copy, still valid after the result closes
                }
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in text encoder '" + name + "' (" + modelId + "): "
                    + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
        int total = output.remaining();
        if (total == 0 || total % rows != 0 || expected > 0 && total != rows * expected) {
            throw new IllegalStateException("output '" + outputName + "' of text encoder '" + name + "' has " + total
                    + " values for " + rows + " text(s)" + (expected > 0 ? ", expected " + expected + " each" : ""));
        }
        int size = total / rows;
        List<float[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] vector = new float[size];
            output.get(i * size, vector);
            vectors.add(config.l2Normalize() ? Vectors.l2Normalize(vector) : vector);
        }
        return vectors;
    }

    /** The common token count of the encodings; refuses empty and (truncation off) too long texts. */
    private int checkLengths(List<String> texts, Encoding[] encodings) {
        int length = encodings[0].getIds().length;
        for (int i = 0; i < encodings.length; i++) {
            int tokens = encodings[i].getIds().length;
            if (tokens > config.maxLength()) {
                throw new IllegalArgumentException("text of " + tokens + " tokens is longer than maxLength "
                        + config.maxLength() + " of text encoder '" + name + "' and truncation is off: "
                        + preview(texts.get(i)));
            }
            if (tokens == 0) {
                throw new IllegalArgumentException("text gives no tokens in text encoder '" + name + "': "
                        + preview(texts.get(i)));
            }
            if (tokens != length) {
                throw new IllegalStateException("tokenizer of text encoder '" + name + "' padded a batch to "
                        + "different lengths: " + length + " and " + tokens);
            }
        }
        return length;
    }

    private OnnxTensor tensor(Encoding[] encodings, int rows, int length, OnnxJavaType type, boolean mask)
            throws OrtException {
        long[] shape = {rows, length};
        if (type == OnnxJavaType.INT64) {
            long[] values = new long[rows * length];
            for (int row = 0; row < rows; row++) {
                Encoding encoding = encodings[row < encodings.length ? row : 0];
                System.arraycopy(mask ? encoding.getAttentionMask() : encoding.getIds(), 0, values, row * length,
                        length);
            }
            return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
        }
        int[] values = new int[rows * length];
        for (int row = 0; row < rows; row++) {
            Encoding encoding = encodings[row < encodings.length ? row : 0];
            long[] source = mask ? encoding.getAttentionMask() : encoding.getIds();
            for (int i = 0; i < length; i++) {
                values[row * length + i] = Math.toIntExact(source[i]);
            }
        }
        return OnnxTensor.createTensor(environment, IntBuffer.wrap(values), shape);
    }

    private int probe(String where, String tensors) {
        try {
            int size = run(List.of(PROBE_TEXT), -1).get(0).length;
            LOG.info("{}: output '{}' leaves its size open; one run gives {} values", where, outputName, size);
            return size;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": output '" + outputName + "' leaves the vector size open and"
                    + " a test run to measure it failed: " + e.getMessage() + tensors, e);
        }
    }

    /** The model must need no input the encoder does not feed (e.g. pixel_values of a combined CLIP model). */
    private void checkNoOtherInputs(Map<String, NodeInfo> inputs, String where, String tensors) {
        List<String> others = inputs.keySet().stream()
                .filter(input -> !input.equals(idsName) && !input.equals(maskName)).toList();
        if (others.isEmpty()) {
            return;
        }
        String hint = others.contains(OnnxTextModelConfig.DEFAULT_ATTENTION_MASK) && maskName == null
                ? "; it takes an attention mask: configure attentionMaskName '" + OnnxTextModelConfig.DEFAULT_ATTENTION_MASK
                + "'"
                : others.contains("pixel_values")
                ? "; this looks like a combined image+text model: use a text-only export (see ClipEmbedder)"
                : "";
        throw new IllegalArgumentException(where + " needs input(s) " + others + " that a text encoder does not feed;"
                + " it feeds only " + idsName + (maskName == null ? "" : " and " + maskName) + hint + tensors);
    }

    private static long[] tokenShape(Map<String, NodeInfo> inputs, String input, String role, String where,
                                     String tensors) {
        NodeInfo node = inputs.get(input);
        if (node == null) {
            String hint = role.equals("attention mask")
                    ? "; if the model takes no attention mask, configure none (withoutAttentionMask())" : "";
            throw new IllegalArgumentException(where + " has no input named '" + input + "' for the " + role + hint
                    + tensors);
        }
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.getShape().length != 2) {
            throw new IllegalArgumentException(where + ": " + role + " input '" + input
                    + "' must be a [batch, sequence] tensor" + tensors);
        }
        return tensor.getShape();
    }

    private OnnxJavaType tokenType(NodeInfo node, String where, String tensors) {
        OnnxJavaType type = ((TensorInfo) node.getInfo()).type;
        if (type != OnnxJavaType.INT64 && type != OnnxJavaType.INT32) {
            throw new IllegalArgumentException(where + ": input '" + node.getName() + "' is " + type
                    + "; token ids and masks must be int64 or int32 tensors" + tensors);
        }
        TokenIdType wanted = config.idType();
        if (wanted != TokenIdType.AUTO && !wanted.name().equals(type.name())) {
            throw new IllegalArgumentException(where + ": input '" + node.getName() + "' is " + type
                    + " but the config says " + wanted + "; use " + type + " or AUTO" + tensors);
        }
        return type;
    }

    /** A dimension the ids and mask must agree on: the fixed size, or -1 when dynamic in both. */
    private static long fixedDimension(long ids, long mask, String what, String where, String tensors) {
        if (ids > 0 && mask > 0 && ids != mask) {
            throw new IllegalArgumentException(where + ": input ids and attention mask disagree on the " + what
                    + " dimension: " + ids + " vs " + mask + tensors);
        }
        return ids > 0 ? ids : mask > 0 ? mask : -1;
    }

    private void checkSequenceLength(long fixedLength, String where, String tensors) {
        if (fixedLength <= 0) {
            return;
        }
        if (fixedLength != config.maxLength() || config.padding() != Padding.MAX_LENGTH) {
            throw new IllegalArgumentException(where + " fixes the sequence length at " + fixedLength
                    + " tokens; configure maxLength " + fixedLength + " with MAX_LENGTH padding (now maxLength "
                    + config.maxLength() + ", " + config.padding() + " padding)" + tensors);
        }
    }

    private String pickOutput(Map<String, NodeInfo> outputs, String where, String tensors) {
        String configured = config.outputName();
        if (configured == null) {
            if (outputs.size() == 1) {
                return outputs.keySet().iterator().next();
            }
            throw new IllegalArgumentException(where + " has " + outputs.size()
                    + " outputs; configure which one to use (e.g. text_embeds)" + tensors);
        }
        if (!outputs.containsKey(configured)) {
            throw new IllegalArgumentException(where + " has no output named '" + configured + "'" + tensors);
        }
        return configured;
    }

    /** The vector size from the declared shape; 0 when it is {@code [batch, ?]} and must be measured. */
    private int outputSize(NodeInfo node, String where, String tensors) {
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(where + ": output '" + node.getName() + "' must be a float32 tensor"
                    + tensors);
        }
        long[] shape = tensor.getShape();
        if (shape.length < 2) {
            throw new IllegalArgumentException(where + ": output '" + outputName + "' has shape " + shapeText(shape)
                    + "; expected [batch, dim]" + tensors);
        }
        if (shape.length == 2 && shape[1] <= 0) {
            return 0;
        }
        long size = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new IllegalArgumentException(where + ": output '" + outputName + "' has shape "
                        + shapeText(shape) + ", one vector per token or an open size; use a pooled, projected"
                        + " output such as text_embeds" + tensors);
            }
            size *= shape[i];
        }
        if (size > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(where + ": output '" + outputName + "' is too large: "
                    + shapeText(shape));
        }
        return (int) size;
    }

    private OrtSession openSession(Path file) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load text model " + file + " for encoder '"
                    + name + "': " + e.getMessage(), e);
        }
    }

    private void closeQuietly(OrtSession toClose) {
        if (toClose == null) {
            return;
        }
        try {
            toClose.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX session of text encoder '{}' failed", name, e);
        }
    }

    /** The configured file, or {@code tokenizer.json} inside the configured folder. */
    private static Path tokenizerFile(Path configured, String name) {
        Path path = configured.toAbsolutePath().normalize();
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("tokenizer.json for text encoder '" + name
                    + "' not found or not readable: " + file);
        }
        return file;
    }

    private static HuggingFaceTokenizer loadTokenizer(Path file, OnnxTextModelConfig config, String name) {
        HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(config.addSpecialTokens())
                .optMaxLength(config.maxLength())
                .optTruncation(config.truncation());
        if (config.padding() == Padding.MAX_LENGTH) {
            builder.optPadToMaxLength();
        } else {
            builder.optPadding(true); // to the longest text of a batch
        }
        try {
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + file + " for text encoder '" + name + "': "
                    + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load the native Hugging Face tokenizers library for text encoder '"
                    + name + "': " + e.getMessage(), e);
        }
    }

    static String requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
        return text;
    }

    private static String preview(String text) {
        return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 57) + "...'";
    }
}
