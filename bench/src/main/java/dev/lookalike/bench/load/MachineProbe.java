package dev.lookalike.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A canary for the machine while a phase is measured: every {@link #PERIOD_MS} ms a fixed,
 * tiny piece of work (a chase through a 64 MB random cycle, cache misses like the graph walk's)
 * is timed, and the kernel's steal time is read. Per latency window it reports how much slower
 * the same work ran than in the phase's typical window, by wall clock and by the probe's own CPU
 * time, and the share of the machine the hypervisor took. A latency spike in a window where the
 * canary slowed down too is the machine, not the service (the probe costs under 1 % of a core).
 */
final class MachineProbe implements AutoCloseable {

  static final int PERIOD_MS = 100;
  private static final int CYCLE = 16 << 20; // ints: 64 MB, far beyond the caches
  private static final int HOPS = 2_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One probe: when it started (System.nanoTime), its wall and CPU nanos, the machine's steal and total jiffies then. */
  private record Sample(long at, long wallNanos, long cpuNanos, long steal, long total) {}

  private final int[] next = Cycle.NEXT;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private int position;

  private MachineProbe() {
    thread = Thread.ofPlatform().daemon().name("machine-probe").start(this::run);
  }

  static MachineProbe start() {
    return new MachineProbe();
  }

  private void run() {
    while (running) {
      long[] stat = procStat();
      long start = System.nanoTime();
      long cpu = THREADS.getCurrentThreadCpuTime();
      chase();
      Sample s = new Sample(start, System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpu, stat[0], stat[1]);
      synchronized (samples) {
        samples.add(s);
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void chase() {
    int p = position;
    for (int i = 0; i < HOPS; i++) p = next[p];
    position = p;
  }

  /**
   * Per window of {@code windowSeconds} from {@code fromNanos}: "×a/×b/c%", the probe's median wall
   * and CPU times against their medians over all windows, and the steal share of the machine.
   */
  String windowSummary(long fromNanos, int windowSeconds) {
    List<Sample> all;
    synchronized (samples) {
      all = List.copyOf(samples);
    }
    List<List<Sample>> windows = new ArrayList<>();
    for (Sample s : all) {
      if (s.at < fromNanos) continue;
      int w = (int) ((s.at - fromNanos) / (windowSeconds * 1_000_000_000L));
      while (windows.size() <= w) windows.add(new ArrayList<>());
      windows.get(w).add(s);
    }
    double typicalWall = median(all.stream().filter(s -> s.at >= fromNanos).mapToLong(Sample::wallNanos).toArray());
    double typicalCpu = median(all.stream().filter(s -> s.at >= fromNanos).mapToLong(Sample::cpuNanos).toArray());
    StringBuilder out = new StringBuilder();
    for (List<Sample> w : windows) {
      if (out.length() > 0) out.append(", ");
      if (w.size() < 2) {
        out.append("n/a");
        continue;
      }
      double wall = median(w.stream().mapToLong(Sample::wallNanos).toArray()) / typicalWall;
      double cpu = median(w.stream().mapToLong(Sample::cpuNanos).toArray()) / typicalCpu;
      Sample first = w.get(0);
      Sample last = w.get(w.size() - 1);
      double steal = last.total == first.total ? 0 : 100.0 * (last.steal - first.steal) / (last.total - first.total);
      out.append(String.format(Locale.ROOT, "×%.1f/×%.1f/%.0f%%", wall, cpu, steal));
    }
    return String.format(Locale.ROOT, "typical probe %.2f ms wall; by window (wall/cpu vs typical, steal): %s", typicalWall / 1e6, out);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }

  private static double median(long[] values) {
    if (values.length == 0) return Double.NaN;
    Arrays.sort(values);
    return values[values.length / 2];
  }

  /** steal and total jiffies of all CPUs (zeros where /proc/stat is not there). */
  private static long[] procStat() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]); // user .. steal
      return new long[] {f.length > 8 ? Long.parseLong(f[8]) : 0, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** Built once per JVM, on first use: 64 MB and a second of shuffling are not a per-phase cost. */
  private static final class Cycle {
    static final int[] NEXT = cycle();
  }

  /** One random cycle through every slot (Sattolo), so each hop is a miss the prefetcher cannot guess. */
  private static int[] cycle() {
    int[] next = new int[CYCLE];
    for (int i = 0; i < CYCLE; i++) next[i] = i;
    SplittableRandom random = new SplittableRandom(42);
    for (int i = CYCLE - 1; i > 0; i--) {
      int j = random.nextInt(i);
      int t = next[i];
      next[i] = next[j];
      next[j] = t;
    }
    return next;
  }
}
