package dev.lookalike.topology.embed;

import dev.lookalike.avro.internal.Thumbnail;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Small JPEG previews: at most {@link #MAX_SIDE} px on the longer side, aspect ratio kept, never upscaled. */
public final class Thumbnails {

  public static final int MAX_SIDE = 128;
  private static final float QUALITY = 0.8f;

  private Thumbnails() {}

  public static Thumbnail of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    BufferedImage current = image;
    // Halve first while far above the target: one bilinear step from a large image aliases badly.
    while (current.getWidth() / 2 >= tw && current.getHeight() / 2 >= th && current.getWidth() > 2 * MAX_SIDE) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    BufferedImage small = draw(current, tw, th);
    return new Thumbnail(ByteBuffer.wrap(jpeg(small)), tw, th);
  }

  /** An opaque RGB copy at the given size; transparency becomes white (JPEG has no alpha). */
  private static BufferedImage draw(BufferedImage source, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] jpeg(BufferedImage image) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) throw new IllegalStateException("no JPEG writer");
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * 1024);
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
