package dev.lookalike.embedding.testing;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.Paint;
import java.awt.RadialGradientPaint;
import java.awt.Shape;
import java.awt.BasicStroke;
import java.awt.AlphaComposite;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Paints a synthetic scene: a background (gradient, radial glow, cloudy noise or a horizon),
 * an optional texture, 3-9 objects and sensor noise. The mix is wide on purpose so that
 * unrelated seeds give unrelated images, as unrelated photos would be.
 */
final class SceneGenerator {

    private SceneGenerator() {
    }

    static BufferedImage render(Random random, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = TestImages.smooth(image.createGraphics());
        background(g, random, width, height);
        if (random.nextDouble() < 0.4) {
            texture(g, random, width, height);
        }
        int objects = 3 + random.nextInt(7);
        for (int i = 0; i < objects; i++) {
            object(g, random, width, height);
        }
        g.dispose();
        addNoise(image, random, 1 + random.nextInt(6));
        return image;
    }

    private static void background(Graphics2D g, Random random, int w, int h) {
        switch (random.nextInt(4)) {
            case 0 -> {
                double angle = random.nextDouble() * 2 * Math.PI;
                float cx = w / 2f;
                float cy = h / 2f;
                float dx = (float) (Math.cos(angle) * w / 2);
                float dy = (float) (Math.sin(angle) * h / 2);
                g.setPaint(new GradientPaint(cx - dx, cy - dy, color(random), cx + dx, cy + dy, color(random)));
                g.fillRect(0, 0, w, h);
            }
            case 1 -> {
                Point2D center = new Point2D.Float(random.nextFloat() * w, random.nextFloat() * h);
                float radius = (0.3f + random.nextFloat()) * Math.max(w, h);
                g.setPaint(new RadialGradientPaint(center, radius, new float[] {0f, 1f},
                        new Color[] {color(random), color(random)}, MultipleGradientPaint.CycleMethod.NO_CYCLE));
                g.fillRect(0, 0, w, h);
            }
            case 2 -> clouds(g, random, w, h);
            default -> horizon(g, random, w, h);
        }
    }

    /** Smooth value noise: a coarse random grid blown up with bicubic interpolation, tinted. */
    private static void clouds(Graphics2D g, Random random, int w, int h) {
        int cells = 3 + random.nextInt(8);
        BufferedImage grid = new BufferedImage(cells, cells, BufferedImage.TYPE_INT_RGB);
        Color a = color(random);
        Color b = color(random);
        for (int y = 0; y < cells; y++) {
            for (int x = 0; x < cells; x++) {
                grid.setRGB(x, y, mix(a, b, random.nextDouble()).getRGB());
            }
        }
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(grid, 0, 0, w, h, null);
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }

    private static void horizon(Graphics2D g, Random random, int w, int h) {
        int line = (int) (h * (0.2 + 0.6 * random.nextDouble()));
        g.setPaint(new GradientPaint(0, 0, color(random), 0, line, color(random)));
        g.fillRect(0, 0, w, line);
        g.setPaint(new GradientPaint(0, line, color(random), 0, h, color(random)));
        Path2D ground = new Path2D.Double();
        ground.moveTo(0, h);
        ground.lineTo(0, line);
        int bumps = 2 + random.nextInt(5);
        for (int i = 1; i <= bumps; i++) {
            ground.lineTo(w * i / (double) bumps, line + (random.nextDouble() - 0.5) * h * 0.3);
        }
        ground.lineTo(w, h);
        ground.closePath();
        g.fill(ground);
    }

    private static void texture(Graphics2D g, Random random, int w, int h) {
        Graphics2D t = (Graphics2D) g.create();
        t.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.15f + 0.3f * random.nextFloat()));
        t.setColor(color(random));
        t.rotate(random.nextDouble() * Math.PI, w / 2.0, h / 2.0);
        int period = 6 + random.nextInt(40);
        boolean checker = random.nextBoolean();
        int extent = w + h;
        for (int x = -extent; x < extent; x += period * 2) {
            if (checker) {
                for (int y = -extent; y < extent; y += period * 2) {
                    t.fillRect(x, y, period, period);
                    t.fillRect(x + period, y + period, period, period);
                }
            } else {
                t.fillRect(x, -extent, period, 2 * extent);
            }
        }
        t.dispose();
    }

    private static void object(Graphics2D g, Random random, int w, int h) {
        double size = Math.min(w, h) * (0.08 + 0.45 * random.nextDouble());
        double x = random.nextDouble() * w - size / 4;
        double y = random.nextDouble() * h - size / 4;
        Shape shape = shape(random, x, y, size);
        Graphics2D o = (Graphics2D) g.create();
        if (random.nextDouble() < 0.3) {
            o.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.4f + 0.5f * random.nextFloat()));
        }
        o.setPaint(fill(random, x, y, size));
        if (shape instanceof QuadCurve2D) {
            o.setStroke(new BasicStroke((float) (2 + size / 10), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            o.draw(shape);
        } else {
            o.fill(shape);
        }
        o.dispose();
    }

    private static Shape shape(Random random, double x, double y, double size) {
        double aspect = 0.4 + 1.2 * random.nextDouble();
        double sw = size * aspect;
        double sh = size / aspect;
        Shape shape = switch (random.nextInt(5)) {
            case 0 -> new Ellipse2D.Double(x, y, sw, sh);
            case 1 -> new Rectangle2D.Double(x, y, sw, sh);
            case 2 -> new RoundRectangle2D.Double(x, y, sw, sh, size / 4, size / 4);
            case 3 -> polygon(random, x + sw / 2, y + sh / 2, size / 2);
            default -> new QuadCurve2D.Double(x, y, x + random.nextDouble() * size * 2, y - size / 2,
                    x + sw * 1.5, y + sh);
        };
        return AffineTransform.getRotateInstance(random.nextDouble() * Math.PI, x + sw / 2, y + sh / 2)
                .createTransformedShape(shape);
    }

    private static Shape polygon(Random random, double cx, double cy, double radius) {
        int corners = 3 + random.nextInt(5);
        Path2D path = new Path2D.Double();
        for (int i = 0; i < corners; i++) {
            double angle = 2 * Math.PI * i / corners;
            double r = radius * (0.5 + 0.5 * random.nextDouble());
            double px = cx + Math.cos(angle) * r;
            double py = cy + Math.sin(angle) * r;
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        path.closePath();
        return path;
    }

    private static Paint fill(Random random, double x, double y, double size) {
        if (random.nextBoolean()) {
            return color(random);
        }
        return new GradientPaint((float) x, (float) y, color(random), (float) (x + size), (float) (y + size),
                color(random));
    }

    private static void addNoise(BufferedImage image, Random random, int sigma) {
        int[] row = new int[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int x = 0; x < row.length; x++) {
                int n = (int) Math.round(random.nextGaussian() * sigma);
                int p = row[x];
                row[x] = clamp((p >> 16 & 0xFF) + n) << 16 | clamp((p >> 8 & 0xFF) + n) << 8 | clamp((p & 0xFF) + n);
            }
            image.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static Color color(Random random) {
        return Color.getHSBColor(random.nextFloat(), 0.2f + 0.8f * random.nextFloat(), 0.15f + 0.85f * random.nextFloat());
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) (a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) (a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) (a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }
}
