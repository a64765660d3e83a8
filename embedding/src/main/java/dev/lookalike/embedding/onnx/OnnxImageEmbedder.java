package dev.lookalike.embedding.onnx;

import static dev.lookalike.embedding.onnx.OnnxModelInfo.describe;
import static dev.lookalike.embedding.onnx.OnnxModelInfo.sha256;
import static dev.lookalike.embedding.onnx.OnnxModelInfo.shapeText;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.Layout;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Embedder} backed by any single-input ONNX image model run with ONNX Runtime (CPU).
 * Which tensors to use and how to preprocess are all {@link OnnxImageModelConfig}; the vector
 * size is read from the model's output shape.
 *
 * <p>One {@link OrtSession} is shared by all threads ({@code run} is thread-safe in ONNX Runtime);
 * the {@link OrtEnvironment} is the process-wide singleton and is never closed. The model id
 * names the file and a hash of its bytes, the output and the preprocessing, so vectors of
 * different models or preprocessing never end up compared.
 *
 * <p>The JVM needs {@code --enable-native-access=ALL-UNNAMED} (JDK 24+) to load ONNX Runtime quietly.
 */
public final class OnnxImageEmbedder implements Embedder {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxImageEmbedder.class);

    private final String name;
    private final OnnxImageModelConfig config;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final String modelId;
    private final int dimensions;
    /** Batch dimension of the input when the model fixes it, else -1. */
    private final long fixedBatch;
    private final int maxBatch;
    private final ImagePreprocessor preprocessor;
    /** Readers are runs; close() takes the write lock so a session is never freed under a run. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * Loads the model and checks it against the config.
     *
     * @param name   the named vector this embedder produces, e.g. {@code "squeezenet"}
     * @throws IllegalArgumentException when the file is missing or the model does not fit the
     *                                  config (unknown tensor names, wrong size, layout or type);
     *                                  the message lists the model's real inputs and outputs
     */
    public OnnxImageEmbedder(String name, OnnxImageModelConfig config) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an embedder needs a non-blank name");
        }
        this.name = name;
        this.config = config;
        Path file = config.modelPath().toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("ONNX model file for embedder '" + name + "' not found or not readable: "
                    + file);
        }
        String fileHash = sha256(file);
        this.environment = OrtEnvironment.getEnvironment();
        this.session = openSession(file, config.intraOpThreads());
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String where = "ONNX model " + file.getFileName() + " (embedder '" + name + "')";
            String tensors = "; the model's inputs: " + describe(inputs) + "; outputs: " + describe(outputs);
            this.inputName = pick("input", config.inputName(), inputs, where, tensors);
            this.outputName = pick("output", config.outputName(), outputs, where, tensors);
            if (inputs.size() != 1) {
                throw new IllegalArgumentException(where + " has " + inputs.size()
                        + " inputs; only single-input image models are supported" + tensors);
            }
            long[] inputShape = floatShape(inputs.get(inputName), "input", where, tensors);
            this.fixedBatch = checkInput(inputShape, where, tensors);
            this.maxBatch = fixedBatch > 0 ? (int) fixedBatch : config.batchSize();
            this.dimensions = checkOutput(floatShape(outputs.get(outputName), "output", where, tensors), where,
                    tensors);
        } catch (OrtException | RuntimeException e) {
            closeQuietly();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalArgumentException("cannot inspect ONNX model " + file + ": " + e.getMessage(), e);
        }
        this.preprocessor = new ImagePreprocessor(config);
        String signature = sha256(config.vectorSignature(outputName).getBytes(StandardCharsets.UTF_8));
        this.modelId = "onnx:" + file.getFileName() + ":" + fileHash.substring(0, 12) + ":" + outputName + ":"
                + signature.substring(0, 8);
        LOG.info("Embedder '{}' loaded {}: input {} {}, output {} ({} dims), {} image(s) per run", name, file,
                inputName, config.layout(), outputName, dimensions, maxBatch);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * {@code onnx:<file name>:<sha256 of the file, 12 hex>:<output name>:<hash of the preprocessing, 8 hex>}.
     * Threads and batch size are left out: they do not change the vectors.
     */
    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    public OnnxImageModelConfig config() {
        return config;
    }

    /** Images per {@code session.run}: the model's fixed batch size, else the configured batch size. */
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public float[] embed(DecodedImage image) {
        return run(List.of(image)).get(0);
    }

    /**
     * Embeds several images, {@link #maxBatch()} per run; the result has one vector per image, in
     * order. With a fixed batch of 1 this is a loop over {@link #embed}.
     */
    public List<float[]> embedBatch(List<DecodedImage> images) {
        List<float[]> vectors = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += maxBatch) {
            vectors.addAll(run(images.subList(from, Math.min(images.size(), from + maxBatch))));
        }
        return vectors;
    }

    private List<float[]> run(List<DecodedImage> images) {
        int count = images.size();
        int batch = fixedBatch > 0 ? (int) fixedBatch : count; // a fixed batch is padded with zeros
        int perImage = preprocessor.valuesPerImage();
        float[] input = new float[Math.multiplyExact(batch, perImage)];
        for (int i = 0; i < count; i++) {
            preprocessor.write(images.get(i).image(), input, i * perImage);
        }
        long[] shape = config.layout() == Layout.NCHW
                ? new long[] {batch, 3, config.height(), config.width()}
                : new long[] {batch, config.height(), config.width(), 3};
        FloatBuffer output;
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("embedder '" + name + "' is closed");
            }
            try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(outputName))) {
                OnnxValue value = result.get(outputName).orElseThrow();
                output = ((OnnxTensor) value).getFloatBuffer();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in embedder '" + name + "' (" + modelId + "): "
                    + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
        if (output.remaining() != (long) batch * dimensions) {
            throw new IllegalStateException("output '" + outputName + "' of " + modelId + " has "
                    + output.remaining() + " values for " + batch + " image(s), expected " + dimensions + " each");
        }
        List<float[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] vector = new float[dimensions];
            output.get(i * dimensions, vector);
            vectors.add(config.l2Normalize() ? Vectors.l2Normalize(vector) : vector);
        }
        return vectors;
    }

    /** Frees the session; waits for runs in flight. Later calls to embed fail. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void closeQuietly() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX session of embedder '{}' failed", name, e);
        }
    }

    private OrtSession openSession(Path file, int intraOpThreads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load model " + file + " for embedder '" + name
                    + "': " + e.getMessage(), e);
        }
    }

    /** The configured tensor name, or the only one when none is configured. */
    private static String pick(String kind, String configured, Map<String, NodeInfo> available, String where,
                               String tensors) {
        if (configured == null) {
            if (available.size() == 1) {
                return available.keySet().iterator().next();
            }
            throw new IllegalArgumentException(where + " has " + available.size() + " " + kind
                    + "s; configure which one to use" + tensors);
        }
        if (!available.containsKey(configured)) {
            throw new IllegalArgumentException(where + " has no " + kind + " named '" + configured + "'" + tensors);
        }
        return configured;
    }

    private static long[] floatShape(NodeInfo node, String kind, String where, String tensors) {
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(where + ": " + kind + " '" + node.getName()
                    + "' must be a float32 tensor" + tensors);
        }
        return tensor.getShape();
    }

    /** Checks rank, channels and spatial size against the config; returns the fixed batch size or -1. */
    private long checkInput(long[] shape, String where, String tensors) {
        boolean nchw = config.layout() == Layout.NCHW;
        String expected = nchw ? "[N,3," + config.height() + "," + config.width() + "] (NCHW)"
                : "[N," + config.height() + "," + config.width() + ",3] (NHWC)";
        if (shape.length != 4) {
            throw new IllegalArgumentException(where + ": input '" + inputName + "' has rank " + shape.length
                    + ", expected " + expected + tensors);
        }
        long channels = nchw ? shape[1] : shape[3];
        long h = nchw ? shape[2] : shape[1];
        long w = nchw ? shape[3] : shape[2];
        if (!fits(channels, 3) || !fits(h, config.height()) || !fits(w, config.width())) {
            throw new IllegalArgumentException(where + ": input '" + inputName + "' has shape " + shapeText(shape)
                    + " but the config expects " + expected + "; check width, height and layout" + tensors);
        }
        return shape[0] > 0 ? shape[0] : -1;
    }

    /** The vector size: every dimension after the batch, all of which must be fixed. */
    private int checkOutput(long[] shape, String where, String tensors) {
        if (shape.length < 2) {
            throw new IllegalArgumentException(where + ": output '" + outputName + "' has shape " + shapeText(shape)
                    + "; expected [batch, ...] with a batch dimension first" + tensors);
        }
        long size = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new IllegalArgumentException(where + ": output '" + outputName + "' has shape "
                        + shapeText(shape) + "; the dimensions after the batch must be fixed to know the vector size"
                        + tensors);
            }
            size *= shape[i];
        }
        if (size > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(where + ": output '" + outputName + "' is too large: "
                    + shapeText(shape));
        }
        return (int) size;
    }

    private static boolean fits(long modelDim, int configured) {
        return modelDim <= 0 || modelDim == configured; // <= 0: dynamic, anything goes
    }
}
