package dev.lookalike.embedding.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link OnnxImageEmbedder} needs to know about one ONNX image model: which tensors to
 * use and how to turn an image into the input tensor. Nothing about a particular model is in code.
 *
 * <p>Each pixel channel value {@code v} in 0..255 becomes {@code (v * pixelScale - mean[c]) / std[c]}.
 * The defaults are the common torchvision/timm ImageNet convention ({@link #defaults}).
 *
 * @param modelPath      the {@code .onnx} file; it is read (and hashed) when the embedder is built
 * @param inputName      the image input tensor; {@code null} means the model's only input
 * @param outputName     the output tensor used as the vector; {@code null} means the model's only output.
 *                       Its shape must be {@code [batch, d1, d2, ...]} with fixed {@code d1...}: the
 *                       vector is all of them flattened (e.g. {@code [1,1000,1,1]} gives 1000 values)
 * @param width          input width in pixels; must match the model when its width is fixed
 * @param height         input height in pixels; must match the model when its height is fixed
 * @param layout         tensor layout of the image input ({@code [N,C,H,W]} or {@code [N,H,W,C]})
 * @param channelOrder   order of the three colour channels in the tensor
 * @param pixelScale     multiplies the 0..255 channel values first: 1.0 keeps 0..255, 1/255 gives 0..1
 * @param mean           per-channel value subtracted after scaling, always given in <b>R, G, B</b>
 *                       order whatever {@code channelOrder} is
 * @param std            per-channel divisor applied after the mean, in R, G, B order; all {@code > 0}
 * @param resizeMode     how an image of another aspect ratio is fitted to {@code width x height}
 * @param l2Normalize    scale each output vector to unit length (what {@code Embedder} promises);
 *                       switch off only to read raw outputs such as class probabilities
 * @param intraOpThreads ONNX Runtime threads used inside one {@code run}; 1 keeps a stream thread
 *                       from competing with the others for cores
 * @param batchSize      most images per {@code run} in {@link OnnxImageEmbedder#embedBatch} when the
 *                       model's batch dimension is dynamic; a model with a fixed batch dimension
 *                       always gets exactly that many images per run (e.g. 1)
 */
public record OnnxImageModelConfig(Path modelPath, String inputName, String outputName, int width, int height,
                                   Layout layout, ChannelOrder channelOrder, double pixelScale, List<Double> mean,
                                   List<Double> std, ResizeMode resizeMode, boolean l2Normalize, int intraOpThreads,
                                   int batchSize) {

    /** Tensor layout of the image input. */
    public enum Layout {
        /** {@code [batch, channels, height, width]}: one plane per channel (PyTorch, Caffe). */
        NCHW,
        /** {@code [batch, height, width, channels]}: interleaved pixels (TensorFlow, Keras). */
        NHWC
    }

    /** Order of the colour channels in the input tensor. */
    public enum ChannelOrder {
        RGB,
        /** Caffe and OpenCV models, e.g. the WinML SqueezeNet. */
        BGR
    }

    /** How an image is fitted to the model's input size. Transparency is laid over white first. */
    public enum ResizeMode {
        /** Scale each axis independently to fill the input; keeps all content, distorts the aspect ratio. */
        STRETCH,
        /** Scale the shorter side to fit, then cut the centre; keeps the aspect ratio, loses the margins. */
        CENTER_CROP,
        /** Scale the longer side to fit and pad with white; keeps everything and the aspect ratio. */
        LETTERBOX
    }

    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);
    public static final List<Double> NO_MEAN = List.of(0.0, 0.0, 0.0);
    public static final List<Double> NO_STD = List.of(1.0, 1.0, 1.0);

    /** Largest accepted input side; far beyond any image model, but stops absurd allocations. */
    static final int MAX_SIDE = 8192;

    public OnnxImageModelConfig {
        Objects.requireNonNull(modelPath, "modelPath");
        inputName = blankToNull(inputName);
        outputName = blankToNull(outputName);
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("width and height must be in 1.." + MAX_SIDE + ", got "
                    + width + "x" + height);
        }
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(resizeMode, "resizeMode");
        if (!(pixelScale > 0) || Double.isInfinite(pixelScale)) {
            throw new IllegalArgumentException("pixelScale must be a positive number, got " + pixelScale);
        }
        mean = threeFinite(mean, "mean");
        std = threeFinite(std, "std");
        if (std.stream().anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("std values must be > 0, got " + std);
        }
        if (intraOpThreads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("intraOpThreads and batchSize must be >= 1, got "
                    + intraOpThreads + " and " + batchSize);
        }
    }

    /**
     * 224x224 NCHW RGB, scaled to 0..1 and normalized with the ImageNet mean/std, stretched to fit,
     * L2-normalized output, one intra-op thread, batches of up to 16 images.
     */
    public static OnnxImageModelConfig defaults(Path modelPath, String inputName, String outputName) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, 224, 224, Layout.NCHW, ChannelOrder.RGB,
                1.0 / 255, IMAGENET_MEAN, IMAGENET_STD, ResizeMode.STRETCH, true, 1, 16);
    }

    public OnnxImageModelConfig withSize(int newWidth, int newHeight) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, newWidth, newHeight, layout, channelOrder,
                pixelScale, mean, std, resizeMode, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxImageModelConfig withLayout(Layout newLayout) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, newLayout, channelOrder,
                pixelScale, mean, std, resizeMode, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxImageModelConfig withChannelOrder(ChannelOrder newOrder) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, layout, newOrder,
                pixelScale, mean, std, resizeMode, l2Normalize, intraOpThreads, batchSize);
    }

    /** Pixel value mapping: {@code (v * scale - mean[c]) / std[c]}, mean and std in R, G, B order. */
    public OnnxImageModelConfig withPixelNormalization(double newScale, List<Double> newMean, List<Double> newStd) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, layout, channelOrder,
                newScale, newMean, newStd, resizeMode, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxImageModelConfig withResizeMode(ResizeMode newMode) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, layout, channelOrder,
                pixelScale, mean, std, newMode, l2Normalize, intraOpThreads, batchSize);
    }

    public OnnxImageModelConfig withL2Normalize(boolean normalize) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, layout, channelOrder,
                pixelScale, mean, std, resizeMode, normalize, intraOpThreads, batchSize);
    }

    public OnnxImageModelConfig withIntraOpThreads(int threads) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, layout, channelOrder,
                pixelScale, mean, std, resizeMode, l2Normalize, threads, batchSize);
    }

    public OnnxImageModelConfig withBatchSize(int newBatchSize) {
        return new OnnxImageModelConfig(modelPath, inputName, outputName, width, height, layout, channelOrder,
                pixelScale, mean, std, resizeMode, l2Normalize, intraOpThreads, newBatchSize);
    }

    /**
     * The settings that change the values of a vector (everything but the model file, which is
     * hashed separately, and the thread and batch settings); part of the embedder's model id.
     */
    String vectorSignature(String resolvedOutputName) {
        return "out=" + resolvedOutputName + ";size=" + width + "x" + height + ";layout=" + layout
                + ";order=" + channelOrder + ";scale=" + pixelScale + ";mean=" + mean + ";std=" + std
                + ";resize=" + resizeMode + ";l2=" + l2Normalize;
    }

    private static String blankToNull(String name) {
        return name == null || name.isBlank() ? null : name;
    }

    private static List<Double> threeFinite(List<Double> values, String name) {
        if (values == null || values.size() != 3) {
            throw new IllegalArgumentException(name + " needs exactly 3 values (R, G, B), got " + values);
        }
        for (Double v : values) {
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException(name + " values must be finite numbers, got " + values);
            }
        }
        return List.copyOf(values);
    }
}
