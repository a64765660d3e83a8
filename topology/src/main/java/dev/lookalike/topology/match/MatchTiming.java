package dev.lookalike.topology.match;

import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the match stage's time goes, one upload (or one match message) at a time: each phase
 * into a timer ({@code lookalike.match{vector,phase}}), the neighbour lists it read and changed
 * into counters ({@code lookalike.match.lists}), and a match slower than
 * {@link #SLOW_MS} logged with its phases. The log tells an upload that cost far more than the
 * rest apart from a stall outside processing (a commit, a poll, the machine), which the latency
 * percentiles alone cannot. One instance per processor and vector: the stream thread's only.
 */
final class MatchTiming {

  /** A match this long is logged: 15-20 times a typical upload at a million stored (5-6 ms). */
  static final long SLOW_MS = 100;

  enum Phase {
    /** Reading the image's current entry (is this a replay or an update?). */
    CHECK,
    /** Storing the vector: the index insert and the changelog write. */
    STORE,
    /** The index search, exact rescoring included. */
    SEARCH,
    /** Offering the image to other images' neighbour lists: their reads and writes. */
    LISTS,
    /** The image's own list, its pairs and its events. */
    OWN;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private static final Logger log = LoggerFactory.getLogger(MatchTiming.class);
  private static final Phase[] PHASES = Phase.values();

  private final String vector;
  private final LongSupplier nanoTime;
  private final Timer[] timers = new Timer[PHASES.length];
  private final Counter listsReadCounter;
  private final Counter listsChangedCounter;
  /** Per phase, the nanos it took in this match; -1 when it did not run. */
  private final long[] nanos = new long[PHASES.length];
  private long lapStart;
  private int listsRead;
  private int listsChanged;

  MatchTiming(String vector, TopologyMetrics metrics) {
    this(vector, metrics, System::nanoTime);
  }

  MatchTiming(String vector, TopologyMetrics metrics, LongSupplier nanoTime) {
    this.vector = vector;
    this.nanoTime = nanoTime;
    for (Phase p : PHASES) timers[p.ordinal()] = metrics.matchPhase(vector, p.tag);
    listsReadCounter = metrics.matchLists(vector, "read");
    listsChangedCounter = metrics.matchLists(vector, "changed");
  }

  /** Starts timing a match: the next lap counts from now. */
  void start() {
    Arrays.fill(nanos, -1);
    listsRead = 0;
    listsChanged = 0;
    lapStart = nanoTime.getAsLong();
  }

  /** The time since the last lap (or the start) belongs to this phase. */
  void lap(Phase phase) {
    long now = nanoTime.getAsLong();
    nanos[phase.ordinal()] = Math.max(0, nanos[phase.ordinal()]) + now - lapStart;
    lapStart = now;
  }

  void countLists(int read, int changed) {
    listsRead += read;
    listsChanged += changed;
  }

  /** Records the phases that ran (lapped at least once) and logs the match when it was slow; returns its total nanos. */
  long finish(String imageId) {
    long total = 0;
    for (Phase p : PHASES) {
      long n = nanos[p.ordinal()];
      if (n < 0) continue;
      total += n;
      timers[p.ordinal()].record(n, TimeUnit.NANOSECONDS);
    }
    if (listsRead > 0) listsReadCounter.increment(listsRead);
    if (listsChanged > 0) listsChangedCounter.increment(listsChanged);
    if (total >= TimeUnit.MILLISECONDS.toNanos(SLOW_MS) && log.isInfoEnabled()) log.info(slowMessage(imageId, total));
    return total;
  }

  private String slowMessage(String imageId, long total) {
    StringBuilder out = new StringBuilder("slow match: vector ").append(vector).append(", image ").append(imageId)
        .append(", ").append(ms(total)).append(" ms:");
    for (Phase p : PHASES) out.append(' ').append(p.tag).append(' ').append(ms(Math.max(0, nanos[p.ordinal()])));
    return out.append(" (").append(listsRead).append(" lists read, ").append(listsChanged).append(" changed)").toString();
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
