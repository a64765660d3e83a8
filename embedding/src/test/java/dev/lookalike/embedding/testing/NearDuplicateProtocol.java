package dev.lookalike.embedding.testing;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.image.DecodedImage;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * The near-duplicate evaluation shared by the quality test and the calibration benchmark.
 * Every base image is edited by each transform; an edited variant against its own base is a
 * positive pair, against every other base a negative pair. Images are produced on demand and
 * dropped after embedding, so a thousand bases fit in memory.
 */
public final class NearDuplicateProtocol {

    /** A named edit, e.g. {@code crop-80-center}. */
    public record Transform(String name, UnaryOperator<BufferedImage> edit) {
    }

    private NearDuplicateProtocol() {
    }

    /** The edits the perceptual embedder is specified to see through. */
    public static List<Transform> standardTransforms() {
        return List.of(
                new Transform("resize-50", img -> TestImages.resize(img, 0.5)),
                new Transform("jpeg-q30", img -> TestImages.read(TestImages.jpeg(img, 30))),
                new Transform("crop-80-center", img -> TestImages.crop(img, 0.8, 0.5, 0.5)),
                new Transform("crop-80-top-left", img -> TestImages.crop(img, 0.8, 0, 0)),
                new Transform("crop-80-bottom-right", img -> TestImages.crop(img, 0.8, 1, 1)),
                new Transform("brightness+20", img -> TestImages.brightness(img, 1.2)),
                new Transform("brightness-20", img -> TestImages.brightness(img, 0.8)),
                new Transform("contrast+20", img -> TestImages.contrast(img, 1.2)),
                new Transform("contrast-20", img -> TestImages.contrast(img, 0.8)),
                new Transform("caption", img -> TestImages.overlayText(img, "@lookalike 2024")),
                new Transform("watermark", img -> TestImages.watermark(img, "SAMPLE")));
    }

    /** Embeds {@code count} bases and all their variants, then scores every pair. */
    public static Scores run(Embedder embedder, int count, IntFunction<BufferedImage> bases,
                             List<Transform> transforms) {
        return embed(embedder, count, bases, transforms).score();
    }

    /** Embeds {@code count} bases from {@code bases} and each of their variants, in parallel. */
    public static Embedded embed(Embedder embedder, int count, IntFunction<BufferedImage> bases,
                                 List<Transform> transforms) {
        float[][] baseVectors = new float[count][];
        float[][][] variantVectors = new float[count][][];
        long start = System.nanoTime();
        IntStream.range(0, count).parallel().forEach(i -> {
            BufferedImage base = bases.apply(i);
            baseVectors[i] = embed(embedder, base);
            variantVectors[i] = transforms.stream().map(t -> embed(embedder, t.edit().apply(base)))
                    .toArray(float[][]::new);
        });
        List<String> names = transforms.stream().map(Transform::name).toList();
        return new Embedded(baseVectors, variantVectors, names, System.nanoTime() - start);
    }

    private static float[] embed(Embedder embedder, BufferedImage image) {
        return embedder.embed(DecodedImage.of(image, "png"));
    }

    /**
     * Vectors of one run: {@code variants[i][t]} is base i edited by transform t.
     *
     * @param nanos wall time to produce, edit and embed everything
     */
    public record Embedded(float[][] bases, float[][][] variants, List<String> transforms, long nanos) {

        /** Every other base is a negative. */
        public Scores score() {
            return score(i -> i);
        }

        /**
         * Bases in the same group are neither positives nor negatives of each other: for real
         * collections, where files of one folder are often variants of one drawing.
         */
        public Scores score(IntUnaryOperator group) {
            int n = bases.length;
            Map<String, float[]> positives = new LinkedHashMap<>();
            for (int t = 0; t < transforms.size(); t++) {
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) {
                    scores[i] = (float) Vectors.dot(variants[i][t], bases[i]);
                }
                positives.put(transforms.get(t), scores);
            }
            return new Scores(positives, negatives(group), n, nanos);
        }

        private float[] negatives(IntUnaryOperator group) {
            int n = bases.length;
            float[][] perBase = new float[n][];
            IntStream.range(0, n).parallel().forEach(i -> {
                float[] scores = new float[transforms.size() * n];
                int k = 0;
                for (float[] variant : variants[i]) {
                    for (int j = 0; j < n; j++) {
                        if (group.applyAsInt(j) != group.applyAsInt(i)) {
                            scores[k++] = (float) Vectors.dot(variant, bases[j]);
                        }
                    }
                }
                perBase[i] = Arrays.copyOf(scores, k);
            });
            float[] all = new float[Arrays.stream(perBase).mapToInt(a -> a.length).sum()];
            int offset = 0;
            for (float[] scores : perBase) {
                System.arraycopy(scores, 0, all, offset, scores.length);
                offset += scores.length;
            }
            Arrays.sort(all);
            return all;
        }
    }

    /**
     * Scores of one run.
     *
     * @param positives per transform, variant-vs-own-base similarity for each base
     * @param negatives sorted variant-vs-other-base similarities
     * @param nanos     wall time to produce, edit and embed everything
     */
    public record Scores(Map<String, float[]> positives, float[] negatives, int bases, long nanos) {

        public double recall(String transform, double threshold) {
            float[] scores = positives.get(transform);
            return (double) countAtLeast(scores, threshold) / scores.length;
        }

        public double recall(double threshold) {
            return (double) truePositives(threshold) / positiveCount();
        }

        /** Precision over all positives and negatives: TP / (TP + FP). */
        public double precision(double threshold) {
            long tp = truePositives(threshold);
            long fp = falsePositives(threshold);
            return tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
        }

        public long falsePositives(double threshold) {
            return negatives.length - lowerBound(negatives, threshold);
        }

        public long truePositives(double threshold) {
            return positives.values().stream().mapToLong(s -> countAtLeast(s, threshold)).sum();
        }

        public long positiveCount() {
            return positives.values().stream().mapToLong(s -> s.length).sum();
        }

        public float[] allPositivesSorted() {
            float[] all = new float[(int) positiveCount()];
            int k = 0;
            for (float[] s : positives.values()) {
                System.arraycopy(s, 0, all, k, s.length);
                k += s.length;
            }
            Arrays.sort(all);
            return all;
        }

        /** The p-th percentile (0..100) of sorted values, nearest-rank. */
        public static double percentile(float[] sorted, double p) {
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        private static long countAtLeast(float[] scores, double threshold) {
            long count = 0;
            for (float s : scores) {
                if (s >= threshold) {
                    count++;
                }
            }
            return count;
        }

        private static int lowerBound(float[] sorted, double threshold) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < threshold) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
