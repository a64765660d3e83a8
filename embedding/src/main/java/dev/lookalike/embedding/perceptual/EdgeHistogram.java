package dev.lookalike.embedding.perceptual;

/**
 * Where the edges are and which way they point: luma gradients binned by signed orientation
 * and pooled over a coarse cells x cells layout, with bilinear (soft) assignment in space and
 * orientation so a small shift moves weight between neighbouring bins instead of flipping it.
 *
 * <p>Three choices keep one strong overlay (a caption, a logo) from dominating, measured with
 * the calibration benchmark: each gradient's magnitude saturates relative to the image's mean
 * magnitude (edge presence, not strength; the ratio keeps contrast invariance), bins are
 * square-rooted, and the histogram is mean-centred so that "has edges everywhere", which
 * every image shares, does not count as similarity.
 */
final class EdgeHistogram {

    /** Grey levels per grid pixel; a smooth ramp across the image already has ~1. */
    private static final double MIN_MEAN_GRADIENT = 0.5;

    private final int cells;
    private final int bins;

    EdgeHistogram(int cells, int bins) {
        this.cells = cells;
        this.bins = bins;
    }

    int dimensions() {
        return cells * cells * bins;
    }

    /** Histogram of a row-major size x size luma grid (not normalized; all zeros if flat). */
    double[] describe(float[] luma, int size) {
        int inner = size - 2;
        double[] gx = new double[inner * inner];
        double[] gy = new double[inner * inner];
        double meanMagnitude = gradients(luma, size, gx, gy);
        double[] histogram = new double[dimensions()];
        if (meanMagnitude < MIN_MEAN_GRADIENT) {
            return histogram; // flat: saturating noise-level gradients would make up edges
        }
        double cellSize = (double) size / cells;
        for (int i = 0; i < gx.length; i++) {
            double magnitude = Math.hypot(gx[i], gy[i]);
            if (magnitude > 0) {
                double x = i % inner + 1.5; // pixel centre in grid units
                double y = i / inner + 1.5;
                add(histogram, x / cellSize - 0.5, y / cellSize - 0.5, orientation(gx[i], gy[i]),
                        magnitude / (magnitude + meanMagnitude));
            }
        }
        rootAndCentre(histogram);
        return histogram;
    }

    /** Central differences of the interior; returns the mean gradient magnitude. */
    private static double gradients(float[] luma, int size, double[] gx, double[] gy) {
        int inner = size - 2;
        double sum = 0;
        for (int y = 1; y <= inner; y++) {
            for (int x = 1; x <= inner; x++) {
                int i = (y - 1) * inner + (x - 1);
                gx[i] = luma[y * size + x + 1] - luma[y * size + x - 1];
                gy[i] = luma[(y + 1) * size + x] - luma[(y - 1) * size + x];
                sum += Math.hypot(gx[i], gy[i]);
            }
        }
        return sum / gx.length;
    }

    private static void rootAndCentre(double[] histogram) {
        double mean = 0;
        for (int i = 0; i < histogram.length; i++) {
            histogram[i] = Math.sqrt(histogram[i]);
            mean += histogram[i];
        }
        mean /= histogram.length;
        for (int i = 0; i < histogram.length; i++) {
            histogram[i] -= mean;
        }
    }

    /** Orientation in bin units, [0, bins). */
    private double orientation(double gx, double gy) {
        double bin = (Math.atan2(gy, gx) + Math.PI) / (2 * Math.PI) * bins;
        return bin >= bins ? bin - bins : bin;
    }

    private void add(double[] histogram, double cx, double cy, double bin, double weight) {
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int b0 = (int) Math.floor(bin);
        double fx = cx - x0;
        double fy = cy - y0;
        double fb = bin - b0;
        for (int dy = 0; dy <= 1; dy++) {
            int cellY = y0 + dy;
            if (cellY < 0 || cellY >= cells) {
                continue;
            }
            double wy = dy == 0 ? 1 - fy : fy;
            for (int dx = 0; dx <= 1; dx++) {
                int cellX = x0 + dx;
                if (cellX >= 0 && cellX < cells) {
                    double w = weight * wy * (dx == 0 ? 1 - fx : fx);
                    int base = (cellY * cells + cellX) * bins;
                    histogram[base + b0] += w * (1 - fb);
                    histogram[base + (b0 + 1) % bins] += w * fb;
                }
            }
        }
    }
}
