package dev.lookalike.embedding.hosted;

import dev.lookalike.embedding.image.DecodedImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Re-encodes a decoded image for upload, per {@link UploadFormat}. */
final class ImagePayload {

    private ImagePayload() {
    }

    static byte[] encode(DecodedImage image, UploadFormat format) {
        BufferedImage source = image.image();
        boolean jpeg = format.format().equals("jpeg");
        BufferedImage prepared = prepare(source, format.maxEdge(), jpeg);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (jpeg) {
                ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
                try (var stream = new MemoryCacheImageOutputStream(out)) {
                    writer.setOutput(stream);
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(format.jpegQuality());
                    writer.write(null, new IIOImage(prepared, null, null), param);
                } finally {
                    writer.dispose();
                }
            } else if (!ImageIO.write(prepared, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("re-encoding the image for upload failed", e);
        }
        return out.toByteArray();
    }

    static String dataUrl(byte[] bytes, UploadFormat format) {
        return "data:" + format.mediaType() + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    /** Scaled to fit maxEdge, in a plain RGB (JPEG: alpha flattened onto white) or ARGB raster. */
    private static BufferedImage prepare(BufferedImage source, int maxEdge, boolean opaque) {
        int width = source.getWidth();
        int height = source.getHeight();
        double scale = Math.min(1.0, (double) maxEdge / Math.max(width, height));
        int targetWidth = Math.max(1, (int) Math.round(width * scale));
        int targetHeight = Math.max(1, (int) Math.round(height * scale));
        int type = opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB;
        if (scale == 1.0 && source.getType() == type) {
            return source;
        }
        BufferedImage current = source;
        // Halve in steps first: a single bilinear step from far away aliases badly.
        while (current.getWidth() / 2 >= targetWidth && current.getHeight() / 2 >= targetHeight
                && (current.getWidth() > targetWidth || current.getHeight() > targetHeight)) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2, type, opaque);
        }
        return draw(current, targetWidth, targetHeight, type, opaque);
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, int type, boolean opaque) {
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D g = target.createGraphics();
        try {
            if (opaque) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, width, height);
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
