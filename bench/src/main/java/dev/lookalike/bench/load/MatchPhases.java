package dev.lookalike.bench.load;

import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The match stage's time by phase ({@code lookalike.match{phase}}, summed over vectors), read
 * from the service's meters: two readings bracket a measured window, and their difference is
 * where each upload's stream-thread time went (check, store, search, lists, own).
 */
record MatchPhases(Map<String, Phase> phases, double listsRead, double listsChanged) {

  record Phase(long count, double totalMs) {}

  static MatchPhases read(MeterRegistry meters) {
    Map<String, Phase> phases = new LinkedHashMap<>();
    for (String phase : TopologyMetrics.MATCH_PHASES) phases.put(phase, new Phase(0, 0));
    for (Timer t : meters.find(TopologyMetrics.MATCH).timers()) {
      String phase = t.getId().getTag("phase");
      Phase before = phases.getOrDefault(phase, new Phase(0, 0));
      phases.put(phase, new Phase(before.count + t.count(), before.totalMs + t.totalTime(TimeUnit.NANOSECONDS) / 1e6));
    }
    return new MatchPhases(phases, lists(meters, "read"), lists(meters, "changed"));
  }

  private static double lists(MeterRegistry meters, String outcome) {
    return meters.find(TopologyMetrics.MATCH_LISTS).tag("outcome", outcome).counters().stream().mapToDouble(Counter::count).sum();
  }

  static MatchPhases empty() {
    return new MatchPhases(Map.of(), 0, 0);
  }

  MatchPhases since(MatchPhases earlier) {
    Map<String, Phase> diff = new LinkedHashMap<>();
    phases.forEach((name, now) -> {
      Phase then = earlier.phases.getOrDefault(name, new Phase(0, 0));
      diff.put(name, new Phase(now.count - then.count, now.totalMs - then.totalMs));
    });
    return new MatchPhases(diff, listsRead - earlier.listsRead, listsChanged - earlier.listsChanged);
  }

  /** "check 0.02, store 0.9, ... = 3.8 ms per upload", per match of the phase that every match runs. */
  String perUpload() {
    long matches = phases.values().stream().mapToLong(Phase::count).max().orElse(0);
    if (matches == 0) return "n/a";
    StringBuilder out = new StringBuilder();
    double total = 0;
    for (var e : phases.entrySet()) {
      if (e.getValue().count == 0) continue;
      double ms = e.getValue().totalMs / matches;
      total += ms;
      if (out.length() > 0) out.append(", ");
      out.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, ms >= 1 ? "%.2f" : "%.3f", ms));
    }
    return out.append(String.format(Locale.ROOT, " = %.2f ms per match (%,d matches; %.1f lists read, %.1f changed per match)", total,
        matches, listsRead / matches, listsChanged / matches)).toString();
  }
}
