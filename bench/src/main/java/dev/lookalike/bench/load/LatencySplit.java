package dev.lookalike.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a planted pair's latency went, and when in the run. The pairs topic stamps each record
 * with the broker's append time (LogAppendTime): for the stream thread's transactional producer
 * that is right after the upload was processed, before the commit made it readable. So
 * upload → append is queueing and processing, append → read is the commit. Milliseconds, as the
 * broker's clock has them.
 *
 * @param toAppend upload to the broker appending the pair (queueing and processing)
 * @param toRead the append to the pair being read with read_committed (the commit)
 * @param windows the whole latency of the uploads sent in each {@link #WINDOW_SECONDS} window
 */
record LatencySplit(Latencies toAppend, Latencies toRead, List<Latencies> windows) {

  static final int WINDOW_SECONDS = 10;

  static LatencySplit empty() {
    return new LatencySplit(Latencies.of(new long[0]), Latencies.of(new long[0]), List.of());
  }

  /**
   * @param sentNanos when each event was sent (System.nanoTime), {@code seenNanos} when its pair
   *     was read and {@code appendedMs} the pair's record timestamp, for the pairs found (null else)
   */
  static LatencySplit of(long[] sentNanos, Long[] seenNanos, Long[] appendedMs) {
    // The wall clock of a nanoTime instant: both clocks read together, once.
    long wallMinusNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    long[] toAppend = new long[sentNanos.length];
    long[] toRead = new long[sentNanos.length];
    Long[] split = new Long[sentNanos.length]; // the pairs with both times: the windows count those
    int n = 0;
    for (int i = 0; i < sentNanos.length; i++) {
      if (seenNanos[i] == null || appendedMs[i] == null) continue;
      long appendedNanos = appendedMs[i] * 1_000_000L - wallMinusNanos;
      toAppend[n] = appendedNanos - sentNanos[i];
      toRead[n++] = seenNanos[i] - appendedNanos;
      split[i] = seenNanos[i];
    }
    return new LatencySplit(Latencies.of(Arrays.copyOf(toAppend, n)), Latencies.of(Arrays.copyOf(toRead, n)), windows(sentNanos, split));
  }

  /** Only the windows: for a run whose outputs carry no append time (the pass-through baseline). */
  static LatencySplit windowsOf(long[] sentNanos, Long[] seenNanos) {
    return new LatencySplit(Latencies.of(new long[0]), Latencies.of(new long[0]), windows(sentNanos, seenNanos));
  }

  /** The whole latency of the events seen (non-null), by window of their sending. */
  private static List<Latencies> windows(long[] sentNanos, Long[] seenNanos) {
    List<List<Long>> byWindow = new ArrayList<>();
    for (int i = 0; i < sentNanos.length; i++) {
      if (seenNanos[i] == null) continue;
      int window = (int) ((sentNanos[i] - sentNanos[0]) / (WINDOW_SECONDS * 1_000_000_000L));
      while (byWindow.size() <= window) byWindow.add(new ArrayList<>());
      byWindow.get(window).add(seenNanos[i] - sentNanos[i]);
    }
    return byWindow.stream().map(w -> Latencies.of(w.stream().mapToLong(Long::longValue).toArray())).toList();
  }

  /** "p50/p99 (count)" per window, in the order they were sent. */
  String windowSummary() {
    StringBuilder out = new StringBuilder();
    for (int w = 0; w < windows.size(); w++) {
      Latencies l = windows.get(w);
      if (w > 0) out.append(", ");
      out.append(Latencies.ms(l.percentileMs(50))).append('/').append(Latencies.ms(l.percentileMs(99))).append(" (").append(l.count()).append(')');
    }
    return out.toString();
  }
}
