package dev.lookalike.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU used during a measurement: the whole process (broker, driver and service share it) and
 * the Kafka Streams threads alone. A stream thread near 100% busy is the bottleneck of one
 * instance; a lower figure points at waiting (commits, the broker, the producer).
 */
final class CpuMeter {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final long wallStart = System.nanoTime();
  private final long processStart = OS.getProcessCpuTime();
  private final long streamStart = streamThreadsCpu();

  /**
   * CPU seconds per wall second: the process, and the stream threads; and the machine's 1-minute
   * load average at the end, since other work on a shared machine takes cores from all of them.
   */
  record Usage(double processCores, double streamCores, double loadAverage) {}

  Usage stop() {
    double wall = System.nanoTime() - wallStart;
    return new Usage((OS.getProcessCpuTime() - processStart) / wall, (streamThreadsCpu() - streamStart) / wall,
        OS.getSystemLoadAverage());
  }

  /** Only threads alive at both ends count fully; a run keeps its stream threads throughout. */
  static long streamThreadsCpu() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      // The stream thread itself, not its producer's network thread ("...-StreamThread-1-producer").
      if (info != null && info.getThreadName().matches(".*-StreamThread-\\d+")) {
        long t = THREADS.getThreadCpuTime(info.getThreadId());
        if (t > 0) total += t;
      }
    }
    return total;
  }
}
