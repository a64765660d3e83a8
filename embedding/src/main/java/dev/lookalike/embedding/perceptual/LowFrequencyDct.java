package dev.lookalike.embedding.perceptual;

/**
 * The lowest-frequency coefficients of an orthonormal 2-D DCT-II of a size x size grid:
 * all (u, v) with {@code minOrder <= u + v <= maxOrder}, ordered by u + v, then by v.
 * Only these are computed, which keeps the cost to a few thousand multiply-adds.
 */
final class LowFrequencyDct {

    private final int size;
    private final int maxOrder;
    private final int[] us;
    private final int[] vs;
    /** basis[k][x] = c(k) * cos(pi * (2x + 1) * k / (2 * size)) for k <= maxOrder. */
    private final double[][] basis;

    LowFrequencyDct(int size, int minOrder, int maxOrder) {
        this.size = size;
        this.maxOrder = maxOrder;
        int count = 0;
        for (int order = minOrder; order <= maxOrder; order++) {
            count += order + 1;
        }
        us = new int[count];
        vs = new int[count];
        int i = 0;
        for (int order = minOrder; order <= maxOrder; order++) {
            for (int v = 0; v <= order; v++) {
                us[i] = order - v;
                vs[i++] = v;
            }
        }
        basis = new double[maxOrder + 1][size];
        for (int k = 0; k <= maxOrder; k++) {
            double scale = Math.sqrt((k == 0 ? 1.0 : 2.0) / size);
            for (int x = 0; x < size; x++) {
                basis[k][x] = scale * Math.cos(Math.PI * (2 * x + 1) * k / (2.0 * size));
            }
        }
    }

    int count() {
        return us.length;
    }

    int u(int i) {
        return us[i];
    }

    int v(int i) {
        return vs[i];
    }

    /** Coefficients of a row-major grid, in the order of {@link #u}/{@link #v}. */
    double[] transform(float[] grid) {
        double[][] rows = new double[size][maxOrder + 1]; // horizontal transform of every row
        for (int y = 0; y < size; y++) {
            for (int u = 0; u <= maxOrder; u++) {
                double sum = 0;
                for (int x = 0; x < size; x++) {
                    sum += grid[y * size + x] * basis[u][x];
                }
                rows[y][u] = sum;
            }
        }
        double[] out = new double[us.length];
        for (int i = 0; i < us.length; i++) {
            double sum = 0;
            for (int y = 0; y < size; y++) {
                sum += rows[y][us[i]] * basis[vs[i]][y];
            }
            out[i] = sum;
        }
        return out;
    }
}
