package dev.lookalike.embedding.onnx;

import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ChannelOrder;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.Layout;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ResizeMode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Turns an image into the float values of one batch entry of a model's input tensor, as an
 * {@link OnnxImageModelConfig} describes: transparency over white, fit to the input size, then
 * per-channel {@code (v * scale - mean) / std} in the configured channel order and layout.
 * Stateless after construction, so one instance is shared by all threads.
 */
final class ImagePreprocessor {

    private final int width;
    private final int height;
    private final Layout layout;
    private final ResizeMode resizeMode;
    /** Per tensor channel: bit shift of its colour in a packed 0xRRGGBB pixel. */
    private final int[] shifts = new int[3];
    /** Per tensor channel: the tensor value of each 0..255 channel value. */
    private final float[][] lookup = new float[3][256];

    ImagePreprocessor(OnnxImageModelConfig config) {
        this.width = config.width();
        this.height = config.height();
        this.layout = config.layout();
        this.resizeMode = config.resizeMode();
        for (int channel = 0; channel < 3; channel++) {
            int colour = config.channelOrder() == ChannelOrder.RGB ? channel : 2 - channel; // 0 = R, 1 = G, 2 = B
            shifts[channel] = 16 - 8 * colour;
            double mean = config.mean().get(colour);
            double std = config.std().get(colour);
            for (int v = 0; v < 256; v++) {
                lookup[channel][v] = (float) ((v * config.pixelScale() - mean) / std);
            }
        }
    }

    /** Number of floats one image takes in the input tensor. */
    int valuesPerImage() {
        return 3 * width * height;
    }

    /** The tensor values of one image, in the configured layout (batch dimension left out). */
    float[] tensor(BufferedImage image) {
        float[] values = new float[valuesPerImage()];
        write(image, values, 0);
        return values;
    }

    /** Writes one image's {@link #valuesPerImage()} values into {@code target} from {@code offset}. */
    void write(BufferedImage image, float[] target, int offset) {
        BufferedImage fitted = fit(image);
        int plane = width * height;
        int[] pixels = fitted.getRGB(0, 0, width, height, null, 0, width);
        if (layout == Layout.NCHW) {
            for (int channel = 0; channel < 3; channel++) {
                float[] values = lookup[channel];
                int shift = shifts[channel];
                int base = offset + channel * plane;
                for (int i = 0; i < plane; i++) {
                    target[base + i] = values[pixels[i] >> shift & 0xFF];
                }
            }
        } else {
            float[] c0 = lookup[0];
            float[] c1 = lookup[1];
            float[] c2 = lookup[2];
            for (int i = 0, at = offset; i < plane; i++, at += 3) {
                int p = pixels[i];
                target[at] = c0[p >> shifts[0] & 0xFF];
                target[at + 1] = c1[p >> shifts[1] & 0xFF];
                target[at + 2] = c2[p >> shifts[2] & 0xFF];
            }
        }
    }

    /** An opaque image of exactly the input size, fitted according to the resize mode. */
    BufferedImage fit(BufferedImage image) {
        BufferedImage opaque = flattenOnWhite(image);
        int sourceWidth = opaque.getWidth();
        int sourceHeight = opaque.getHeight();
        if (sourceWidth == width && sourceHeight == height) {
            return opaque; // every mode is the identity here
        }
        int cropX = 0;
        int cropY = 0;
        int cropWidth = sourceWidth;
        int cropHeight = sourceHeight;
        int targetX = 0;
        int targetY = 0;
        int targetWidth = width;
        int targetHeight = height;
        switch (resizeMode) {
            case STRETCH -> {
            }
            case CENTER_CROP -> {
                double scale = Math.max((double) width / sourceWidth, (double) height / sourceHeight);
                cropWidth = clamp((int) Math.round(width / scale), sourceWidth);
                cropHeight = clamp((int) Math.round(height / scale), sourceHeight);
                cropX = (sourceWidth - cropWidth) / 2;
                cropY = (sourceHeight - cropHeight) / 2;
            }
            case LETTERBOX -> {
                double scale = Math.min((double) width / sourceWidth, (double) height / sourceHeight);
                targetWidth = clamp((int) Math.round(sourceWidth * scale), width);
                targetHeight = clamp((int) Math.round(sourceHeight * scale), height);
                targetX = (width - targetWidth) / 2;
                targetY = (height - targetHeight) / 2;
            }
        }
        BufferedImage region = opaque.getSubimage(cropX, cropY, cropWidth, cropHeight);
        region = halveTowards(region, targetWidth, targetHeight);
        BufferedImage fitted = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = fitted.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            bilinear(g);
            g.drawImage(region, targetX, targetY, targetWidth, targetHeight, null);
        } finally {
            g.dispose();
        }
        return fitted;
    }

    /**
     * Downscales by repeated bilinear halving (per axis) while an axis is at least twice its
     * target, so one final bilinear step never skips pixels; avoids aliasing on large images.
     */
    private static BufferedImage halveTowards(BufferedImage image, int targetWidth, int targetHeight) {
        BufferedImage current = image;
        while (true) {
            int w = current.getWidth() / 2 >= targetWidth ? current.getWidth() / 2 : current.getWidth();
            int h = current.getHeight() / 2 >= targetHeight ? current.getHeight() / 2 : current.getHeight();
            if (w == current.getWidth() && h == current.getHeight()) {
                return current;
            }
            BufferedImage smaller = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = smaller.createGraphics();
            try {
                bilinear(g);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = smaller;
        }
    }

    /** Lays any transparency over white (exactly, per pixel); opaque images are returned as they are. */
    static BufferedImage flattenOnWhite(BufferedImage image) {
        if (!image.getColorModel().hasAlpha()) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage opaque = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) opaque.getRaster().getDataBuffer()).getData();
        image.getRGB(0, 0, w, h, pixels, 0, w);
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int alpha = p >>> 24;
            if (alpha == 255) {
                p &= 0xFFFFFF;
            } else {
                int white = 255 * (255 - alpha);
                int r = ((p >> 16 & 0xFF) * alpha + white + 127) / 255;
                int g = ((p >> 8 & 0xFF) * alpha + white + 127) / 255;
                int b = ((p & 0xFF) * alpha + white + 127) / 255;
                p = r << 16 | g << 8 | b;
            }
            pixels[i] = p;
        }
        return opaque;
    }

    private static void bilinear(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }

    private static int clamp(int value, int max) {
        return Math.max(1, Math.min(max, value));
    }
}
