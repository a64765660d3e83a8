package dev.lookalike.embedding.perceptual;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Averages an image down to a size x size grid of Y, Cb and Cr (0..255 scale), weighting each
 * source pixel by the fraction of it that falls in each cell, so the result barely depends on
 * the source resolution. Very large images are sampled on a regular lattice: a cell still
 * averages hundreds of samples, and the cost stays bounded.
 */
final class AreaGrid {

    /** Above this many pixels, rows and columns are skipped evenly. */
    private static final long MAX_SAMPLES = 1L << 18;

    private AreaGrid() {
    }

    /** Returns {Y, Cb, Cr}, each row-major size x size. */
    static float[][] ycbcr(BufferedImage source, int size) {
        BufferedImage image = atLeast(source, size);
        int width = image.getWidth();
        int height = image.getHeight();
        int stride = (int) Math.max(1, Math.ceil(Math.sqrt((double) width * height / MAX_SAMPLES)));
        stride = Math.min(stride, Math.min(width, height) / size); // a sample must not span more than a cell
        Axis columns = new Axis(width, stride, size);
        Axis rows = new Axis(height, stride, size);
        double[][] sums = new double[3][size * size];
        double[] weights = new double[size * size];
        double[][] rowSums = new double[3][size];
        double[] rowWeights = new double[size];
        int[] rgb = new int[width];
        RgbRows reader = new RgbRows(image);
        for (int j = 0; j < rows.samples; j++) {
            reader.read(j * stride, rgb);
            accumulateRow(rgb, columns, stride, rowSums, rowWeights);
            spreadRow(rows, j, rowSums, rowWeights, sums, weights, size);
        }
        return toYCbCr(sums, weights);
    }

    private static void accumulateRow(int[] rgb, Axis columns, int stride, double[][] rowSums, double[] rowWeights) {
        for (int c = 0; c < rowWeights.length; c++) {
            rowSums[0][c] = rowSums[1][c] = rowSums[2][c] = rowWeights[c] = 0;
        }
        for (int i = 0; i < columns.samples; i++) {
            int p = rgb[i * stride];
            int r = p >> 16 & 0xFF;
            int g = p >> 8 & 0xFF;
            int b = p & 0xFF;
            addWeighted(rowSums, rowWeights, columns.firstCell[i], columns.firstWeight[i], r, g, b);
            if (columns.secondWeight[i] > 0) {
                addWeighted(rowSums, rowWeights, columns.firstCell[i] + 1, columns.secondWeight[i], r, g, b);
            }
        }
    }

    private static void addWeighted(double[][] sums, double[] weights, int cell, double w, int r, int g, int b) {
        sums[0][cell] += w * r;
        sums[1][cell] += w * g;
        sums[2][cell] += w * b;
        weights[cell] += w;
    }

    private static void spreadRow(Axis rows, int j, double[][] rowSums, double[] rowWeights, double[][] sums,
                                  double[] weights, int size) {
        addRow(rowSums, rowWeights, sums, weights, rows.firstCell[j] * size, rows.firstWeight[j]);
        if (rows.secondWeight[j] > 0) {
            addRow(rowSums, rowWeights, sums, weights, (rows.firstCell[j] + 1) * size, rows.secondWeight[j]);
        }
    }

    private static void addRow(double[][] rowSums, double[] rowWeights, double[][] sums, double[] weights, int offset,
                               double w) {
        for (int c = 0; c < rowWeights.length; c++) {
            for (int channel = 0; channel < 3; channel++) {
                sums[channel][offset + c] += w * rowSums[channel][c];
            }
            weights[offset + c] += w * rowWeights[c];
        }
    }

    private static float[][] toYCbCr(double[][] sums, double[] weights) {
        int cells = weights.length;
        float[][] out = new float[3][cells];
        for (int i = 0; i < cells; i++) {
            double r = sums[0][i] / weights[i];
            double g = sums[1][i] / weights[i];
            double b = sums[2][i] / weights[i];
            out[0][i] = (float) (0.299 * r + 0.587 * g + 0.114 * b);
            out[1][i] = (float) (-0.168736 * r - 0.331264 * g + 0.5 * b);
            out[2][i] = (float) (0.5 * r - 0.418688 * g - 0.081312 * b);
        }
        return out;
    }

    /** Tiny images are first scaled up so every sample overlaps at most two cells per axis. */
    private static BufferedImage atLeast(BufferedImage image, int size) {
        if (image.getWidth() >= size && image.getHeight() >= size) {
            return image;
        }
        int width = Math.max(size, image.getWidth());
        int height = Math.max(size, image.getHeight());
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return scaled;
    }

    /**
     * For one axis: sample i covers pixels [i*stride, min(n, (i+1)*stride)), which in cell units
     * is at most one cell wide, so it splits into a first cell and, maybe, the next one.
     */
    private static final class Axis {
        final int samples;
        final int[] firstCell;
        final double[] firstWeight;
        final double[] secondWeight;

        Axis(int pixels, int stride, int cells) {
            samples = (pixels + stride - 1) / stride;
            firstCell = new int[samples];
            firstWeight = new double[samples];
            secondWeight = new double[samples];
            double scale = (double) cells / pixels;
            for (int i = 0; i < samples; i++) {
                double start = (double) i * stride * scale;
                double end = Math.min(pixels, (double) (i + 1) * stride) * scale;
                int cell = Math.min(cells - 1, (int) start);
                firstCell[i] = cell;
                firstWeight[i] = Math.min(end, cell + 1) - start;
                secondWeight[i] = cell + 1 < cells ? Math.max(0, end - (cell + 1)) : 0;
            }
        }
    }
}
