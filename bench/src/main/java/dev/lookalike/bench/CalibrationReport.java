package dev.lookalike.bench;

import dev.lookalike.embedding.testing.NearDuplicateProtocol.Scores;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Renders one protocol run as markdown tables. */
final class CalibrationReport {

    static final double[] SWEEP = {0.60, 0.65, 0.70, 0.75, 0.78, 0.80, 0.82, 0.84, 0.85, 0.86, 0.88, 0.90, 0.92, 0.95};
    private static final double[] PERCENTILES = {1, 5, 25, 50, 75, 95, 99, 99.9, 99.99};

    private final StringBuilder out = new StringBuilder();

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    CalibrationReport line(String text) {
        out.append(text).append('\n');
        return this;
    }

    /** Recall per edit at the threshold, with the low tail of each edit's scores. */
    CalibrationReport recallPerEdit(Scores scores, double threshold) {
        line(f("| edit | recall at %.2f | p1 score | p5 score | median score |", threshold));
        line("|---|---:|---:|---:|---:|");
        scores.positives().forEach((edit, values) -> {
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            line(f("| %s | %.3f | %.3f | %.3f | %.3f |", edit, scores.recall(edit, threshold),
                    Scores.percentile(sorted, 1), Scores.percentile(sorted, 5), Scores.percentile(sorted, 50)));
        });
        return line(f("| **all edits** | **%.4f** | | | |", scores.recall(threshold))).line("");
    }

    CalibrationReport summary(Scores scores, double threshold) {
        return line(f("At the default threshold %.2f: recall **%.4f** (%d of %d edited copies), precision **%.4f** "
                        + "(%d false positives among %,d unrelated pairs).", threshold, scores.recall(threshold),
                scores.truePositives(threshold), scores.positiveCount(), scores.precision(threshold),
                scores.falsePositives(threshold), scores.negatives().length)).line("");
    }

    CalibrationReport distributions(Scores scores) {
        StringBuilder header = new StringBuilder("| pairs | min |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (double p : PERCENTILES) {
            header.append(f(" p%s |", p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)));
            rule.append("---:|");
        }
        line(header.append(" max |").toString()).line(rule.append("---:|").toString());
        row("edited copy vs its original", scores.allPositivesSorted());
        row("edited copy vs unrelated image", scores.negatives());
        return line("");
    }

    private void row(String label, float[] sorted) {
        StringBuilder row = new StringBuilder(f("| %s | %.3f |", label, sorted[0]));
        for (double p : PERCENTILES) {
            row.append(f(" %.3f |", Scores.percentile(sorted, p)));
        }
        line(row.append(f(" %.3f |", sorted[sorted.length - 1])).toString());
    }

    CalibrationReport sweep(Scores scores, double defaultThreshold) {
        line("| threshold | recall | precision | false positives |").line("|---:|---:|---:|---:|");
        for (double t : SWEEP) {
            String mark = Math.abs(t - defaultThreshold) < 1e-9 ? " (default)" : "";
            line(f("| %.2f%s | %.4f | %.4f | %d |", t, mark, scores.recall(t), scores.precision(t),
                    scores.falsePositives(t)));
        }
        return line("");
    }

    /** The lowest threshold (in steps of 0.005) whose precision reaches {@code minPrecision}. */
    CalibrationReport lowestThreshold(Scores scores, double minPrecision) {
        for (int step = 100; step < 200; step++) {
            double t = step * 0.005;
            if (scores.precision(t) >= minPrecision) {
                return line(f("Lowest threshold with precision >= %s: **%.3f** (recall %.4f there).", minPrecision,
                        t, scores.recall(t))).line("");
            }
        }
        return line(f("No threshold below 1.0 reaches precision %s.", minPrecision)).line("");
    }

    CalibrationReport timing(List<EmbedTiming.Row> rows) {
        line("| operation | median ms | p90 ms |").line("|---|---:|---:|");
        for (EmbedTiming.Row row : rows) {
            line(f("| %s | %.3f | %.3f |", row.what(), row.medianMillis(), row.p90Millis()));
        }
        return line("");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
