package dev.lookalike.server.dev;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The dev-mode sample set, drawn in code so dev mode needs no downloads: 16 synthetic scenes
 * in four categories, near-duplicate variants of half of them (the edits the perceptual
 * embedder is built to see through) and one byte-for-byte copy. Seeds are fixed, so ids and
 * pixels are the same on every run.
 */
public final class SampleImages {

  public static final int WIDTH = 256;
  public static final int HEIGHT = 192;
  public static final int SCENES = 16;
  /** The scene the banner's examples use: it has a near-duplicate and an exact copy. */
  public static final String EXAMPLE_ID = "sample-00";
  static final List<String> CATEGORIES = List.of("landscape", "shapes", "stripes", "texture");

  /** One image to publish; {@code scene} is the id of the original it was made from. */
  public record Sample(String id, String scene, String category, String variant, byte[] bytes, String contentType) {
    public List<String> tags() { return List.of("sample", category); }

    public Map<String, String> attributes() { return Map.of("category", category, "variant", variant, "scene", scene); }
  }

  /** A near-duplicate edit and how the result is encoded. */
  private record Edit(String name, UnaryOperator<BufferedImage> apply, String format) {}

  private static final List<Edit> EDITS = List.of(
      new Edit("resized", img -> scale(img, 0.5), "png"),
      new Edit("jpeg", img -> img, "jpeg-30"),
      new Edit("cropped", img -> cropCenter(img, 0.8), "png"),
      new Edit("brighter", img -> brighten(img, 1.2), "png"),
      new Edit("captioned", img -> caption(img, "Lookalike"), "png"));

  private SampleImages() {}

  /** Originals first, then variants, then the copy: every near-duplicate comes after its original. */
  public static List<Sample> generate() {
    List<Sample> samples = new ArrayList<>();
    List<BufferedImage> scenes = new ArrayList<>();
    for (int i = 0; i < SCENES; i++) {
      BufferedImage scene = scene(i);
      scenes.add(scene);
      samples.add(new Sample(id(i), id(i), category(i), "original", encode(scene, "png"), "image/png"));
    }
    // Half the scenes get one edit each, cycling through the kinds of edit.
    for (int i = 0; i < SCENES / 2; i++) {
      Edit edit = EDITS.get(i % EDITS.size());
      byte[] bytes = encode(edit.apply().apply(scenes.get(i)), edit.format());
      samples.add(new Sample(id(i) + "-" + edit.name(), id(i), category(i), edit.name(), bytes, contentType(edit.format())));
    }
    Sample original = samples.get(0);
    samples.add(new Sample(original.id() + "-copy", original.id(), original.category(), "copy", original.bytes(), original.contentType()));
    return List.copyOf(samples);
  }

  static String id(int scene) {
    return String.format("sample-%02d", scene);
  }

  static String category(int scene) {
    return CATEGORIES.get(scene % CATEGORIES.size());
  }

  /** Scene {@code i}: its category picks the painter, {@code i} seeds everything else. */
  static BufferedImage scene(int i) {
    Random random = new Random(1000 + i);
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = smooth(image.createGraphics());
    switch (category(i)) {
      case "landscape" -> landscape(g, random);
      case "shapes" -> shapes(g, random);
      case "stripes" -> stripes(g, random);
      default -> texture(g, random);
    }
    g.dispose();
    return image;
  }

  /** Sky gradient, a sun, two ranges of hills. */
  private static void landscape(Graphics2D g, Random random) {
    int horizon = HEIGHT / 3 + random.nextInt(HEIGHT / 3);
    g.setPaint(new GradientPaint(0, 0, color(random), 0, horizon, color(random)));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    float sunX = 30 + random.nextInt(WIDTH - 60);
    float sunY = 20 + random.nextInt(Math.max(1, horizon - 30));
    Color sun = new Color(255, 180 + random.nextInt(70), 60 + random.nextInt(120));
    g.setPaint(new RadialGradientPaint(sunX, sunY, 30, new float[] {0.5f, 1f}, new Color[] {sun, new Color(sun.getRGB() & 0xFFFFFF, true)}));
    g.fill(new Ellipse2D.Float(sunX - 30, sunY - 30, 60, 60));
    for (int range = 0; range < 2; range++) {
      g.setColor(color(random).darker());
      g.fill(hills(random, horizon + range * HEIGHT / 6));
    }
  }

  private static Path2D hills(Random random, int baseline) {
    Path2D path = new Path2D.Double();
    path.moveTo(0, HEIGHT);
    int bumps = 3 + random.nextInt(4);
    for (int b = 0; b <= bumps; b++) {
      path.lineTo(WIDTH * b / (double) bumps, baseline - random.nextInt(HEIGHT / 4));
    }
    path.lineTo(WIDTH, HEIGHT);
    path.closePath();
    return path;
  }

  /** A diagonal gradient with ovals, boxes and triangles scattered on it. */
  private static void shapes(Graphics2D g, Random random) {
    g.setPaint(new GradientPaint(0, 0, color(random), WIDTH, HEIGHT, color(random)));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    int count = 5 + random.nextInt(4);
    for (int s = 0; s < count; s++) {
      int size = 24 + random.nextInt(70);
      int x = random.nextInt(WIDTH - size / 2);
      int y = random.nextInt(HEIGHT - size / 2);
      g.setColor(color(random));
      switch (random.nextInt(3)) {
        case 0 -> g.fillOval(x, y, size, size * 3 / 4);
        case 1 -> g.fillRect(x, y, size, size / 2 + random.nextInt(size));
        default -> g.fillPolygon(new int[] {x, x + size, x + size / 2}, new int[] {y + size, y + size, y}, 3);
      }
    }
  }

  /** Rotated bands of two colours with a disc on top. */
  private static void stripes(Graphics2D g, Random random) {
    Color a = color(random);
    Color b = color(random);
    int period = 12 + random.nextInt(28);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(random.nextDouble() * Math.PI, WIDTH / 2.0, HEIGHT / 2.0);
    int reach = WIDTH + HEIGHT; // covers the canvas at any angle
    for (int band = 0, x = -reach; x < reach + WIDTH; band++, x += period) {
      r.setColor(band % 2 == 0 ? a : b);
      r.fillRect(x, -reach, period, 3 * reach);
    }
    r.dispose();
    int d = 50 + random.nextInt(60);
    g.setColor(color(random));
    g.fillOval(random.nextInt(WIDTH - d), random.nextInt(HEIGHT - d), d, d);
  }

  /** Soft cloudy noise (a coarse random grid blown up smoothly) with a ring of dots. */
  private static void texture(Graphics2D g, Random random) {
    int cells = 4 + random.nextInt(5);
    BufferedImage grid = new BufferedImage(cells, cells, BufferedImage.TYPE_INT_RGB);
    Color a = color(random);
    Color b = color(random);
    for (int y = 0; y < cells; y++) {
      for (int x = 0; x < cells; x++) grid.setRGB(x, y, mix(a, b, random.nextDouble()).getRGB());
    }
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(grid, 0, 0, WIDTH, HEIGHT, null);
    g.setColor(color(random));
    int dots = 6 + random.nextInt(8);
    double cx = WIDTH * (0.3 + 0.4 * random.nextDouble());
    double cy = HEIGHT * (0.3 + 0.4 * random.nextDouble());
    for (int k = 0; k < dots; k++) {
      double angle = 2 * Math.PI * k / dots;
      g.fillOval((int) (cx + 60 * Math.cos(angle)) - 8, (int) (cy + 50 * Math.sin(angle)) - 8, 16, 16);
    }
  }

  static BufferedImage scale(BufferedImage image, double factor) {
    int w = (int) Math.round(image.getWidth() * factor);
    int h = (int) Math.round(image.getHeight() * factor);
    BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = smooth(scaled.createGraphics());
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    return scaled;
  }

  /** Keeps the centred window with {@code areaFraction} of the area and the same aspect ratio. */
  static BufferedImage cropCenter(BufferedImage image, double areaFraction) {
    double side = Math.sqrt(areaFraction);
    int w = (int) Math.round(image.getWidth() * side);
    int h = (int) Math.round(image.getHeight() * side);
    BufferedImage crop = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = crop.createGraphics();
    g.drawImage(image, -(image.getWidth() - w) / 2, -(image.getHeight() - h) / 2, null);
    g.dispose();
    return crop;
  }

  static BufferedImage brighten(BufferedImage image, double factor) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        out.setRGB(x, y, channel(p >> 16, factor) << 16 | channel(p >> 8, factor) << 8 | channel(p, factor));
      }
    }
    return out;
  }

  private static int channel(int value, double factor) {
    return (int) Math.min(255, Math.round((value & 0xFF) * factor));
  }

  /**
   * White bold text along the bottom. A machine without fonts cannot draw text at all (AWT
   * throws); then a plain label bar stands in, still a small local edit.
   */
  static BufferedImage caption(BufferedImage image, String text) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = smooth(out.createGraphics());
    g.drawImage(image, 0, 0, null);
    int size = out.getHeight() / 12;
    try {
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
      g.setColor(new Color(0, 0, 0, 160));
      g.drawString(text, out.getWidth() / 25 + 1, out.getHeight() - size / 2 + 1);
      g.setColor(Color.WHITE);
      g.drawString(text, out.getWidth() / 25, out.getHeight() - size / 2);
    } catch (RuntimeException | Error noFonts) {
      g.setColor(Color.WHITE);
      g.fillRect(out.getWidth() / 25, out.getHeight() - size * 3 / 2, out.getWidth() / 2, size);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** {@code png}, or {@code jpeg-Q} for a JPEG at quality Q. */
  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (format.startsWith("jpeg-")) {
        writeJpeg(image, Integer.parseInt(format.substring(5)), bytes);
      } else if (!ImageIO.write(image, format, bytes)) {
        throw new IllegalArgumentException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeJpeg(BufferedImage image, int quality, ByteArrayOutputStream bytes) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  private static String contentType(String format) {
    return format.startsWith("jpeg") ? "image/jpeg" : "image/" + format;
  }

  private static Graphics2D smooth(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    return g;
  }

  private static Color color(Random random) {
    return Color.getHSBColor(random.nextFloat(), 0.35f + 0.65f * random.nextFloat(), 0.3f + 0.7f * random.nextFloat());
  }

  private static Color mix(Color a, Color b, double t) {
    return new Color((int) (a.getRed() + (b.getRed() - a.getRed()) * t),
        (int) (a.getGreen() + (b.getGreen() - a.getGreen()) * t),
        (int) (a.getBlue() + (b.getBlue() - a.getBlue()) * t));
  }
}
