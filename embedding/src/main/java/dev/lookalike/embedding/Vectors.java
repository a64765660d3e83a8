package dev.lookalike.embedding;

/** Small vector helpers shared by embedders and their callers. */
public final class Vectors {

    private Vectors() {
    }

    /** Scales {@code v} in place to unit length; an all-zero vector stays all zeros. */
    public static float[] l2Normalize(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Cosine similarity; for unit vectors this equals {@link #dot}. Zero vectors score 0. */
    public static double cosine(float[] a, float[] b) {
        double denominator = Math.sqrt(dot(a, a) * dot(b, b));
        return denominator == 0 ? 0 : dot(a, b) / denominator;
    }
}
