package dev.lookalike.bench.load;

import java.util.Arrays;

/** Latency samples in nanoseconds, reported in milliseconds (nearest-rank percentiles). */
record Latencies(long[] sortedNanos) {

  static Latencies of(long[] nanos) {
    long[] copy = nanos.clone();
    Arrays.sort(copy);
    return new Latencies(copy);
  }

  int count() {
    return sortedNanos.length;
  }

  double percentileMs(double p) {
    if (sortedNanos.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
  }

  double maxMs() {
    return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
  }

  /** "p50 / p95 / p99 / max" in ms, or "n/a". */
  String summary() {
    if (sortedNanos.length == 0) return "n/a";
    return String.format("%s / %s / %s / %s", ms(percentileMs(50)), ms(percentileMs(95)), ms(percentileMs(99)), ms(maxMs()));
  }

  static String ms(double ms) {
    return Double.isNaN(ms) ? "n/a" : ms >= 100 ? String.format("%.0f", ms) : String.format("%.1f", ms);
  }
}
