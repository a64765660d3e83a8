package dev.lookalike.bench.load;

import dev.lookalike.bench.load.LoadDriver.ModeResult;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The markdown of bench/results/load.md: a header once, then one section per run. */
final class LoadReport {

  private LoadReport() {}

  static final String HEADER = """
      # End-to-end load: the whole topology against a pass-through baseline

      Produced by `dev.lookalike.bench.load.LoadDriver` (`bench/run-load.sh`). Everything runs in one JVM: the
      in-process single-node KRaft broker (devstack `EmbeddedKafka`), the production topology
      (`LookalikeTopology.build`) started by the production runtime (`LookalikeStreams.start`), the producer and the
      read_committed consumers that time the outputs.

      - **Throughput**: the measured events are produced as fast as the producer takes them; the time is from the first
        send until every event has been through the match stage (one partial per partition read back) and its pairs
        are readable. Each phase runs on a fresh application with the same pre-stored vectors.
      - **Latency**: a second fresh application, paced at half the saturated rate; from the moment an event is handed
        to the producer (its `uploadedAt`) to the moment its `NearDuplicateDetected` is read with read_committed,
        for every planted near-duplicate.
      - **Baseline**: the same events through source -> sink with the same serde (Confluent wire format via the
        registry) and the same Streams settings (`LookalikeStreams.streamsProps`: EOS v2, commit interval, no
        caching); its latency is upload to the copy read from the sink. Ratio = topology / baseline throughput.
      - **Pair recall**: planted pairs reported / planted pairs (1.0 expected with the exact scan).
      - **Restore**: start of Kafka Streams to RUNNING with the pre-stored vectors written to the stores'
        changelogs (the in-memory vector store replays its changelog on every start), next to the same for the
        stateless baseline app.
      """;

  static String render(LoadOptions o, Platform platform, List<ModeResult> results, String args) {
    StringBuilder md = new StringBuilder();
    LookalikeConfig config = LookalikeConfig.of(o.overrides);
    String command = o.command != null ? o.command : "LoadDriver " + args;
    md.append(String.format("## %s: `%s`%n%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), command));
    md.append(String.format("- Machine: %s, %d cores seen by the JVM (shared with other work), JDK %s (%s), max heap %d MB.%n",
        cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"), Runtime.getRuntime().maxMemory() >> 20));
    md.append(String.format("- Broker: in-process single-node KRaft (started in %d ms). Registry: %s.%n",
        platform.brokerStartup().toMillis(), platform.describe));
    md.append(String.format("- Service: topics.partitions=%d, num.stream.threads=%d, %s, commit.interval.ms=%d; %s; kernels: %s%s.%n",
        o.partitions, o.threads, config.processingGuarantee(), config.commitIntervalMs(), index(o),
        dev.lookalike.topology.store.VectorMath.describe(),
        o.overrides.isEmpty() ? "" : "; --set " + o.overrides));
    md.append(String.format("- Pre-stored vectors: %,d synthetic, clustered (%d per cluster), %s.%n",
        o.preloaded, o.clusterSize, switch (o.preload) {
          case changelog -> "written to the vector and neighbour stores' changelogs before start (neighbour lists: exact top-k within the cluster)";
          case snapshot -> "written to the vector and neighbour stores' changelogs before start (neighbour lists: exact top-k within the "
              + "cluster), and the vector store's saved graph put where a restarted instance finds it";
          case stream -> "produced through the topology before timing";
        }));
    md.append(String.format("- Effective options: `%s`%n", o.summary()));
    md.append(String.format("- JVM arguments: `%s`%n%n", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())));
    md.append("| mode | stored vectors | events | throughput (events/s) | baseline (events/s) | ratio | paced at (events/s) "
        + "| p50 ms | p95 ms | p99 ms | max ms | pair recall | restore (start → RUNNING) |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (ModeResult r : results) row(md, r, o);
    md.append('\n');
    for (ModeResult r : results) details(md, r, o);
    return md.toString();
  }

  private static void row(StringBuilder md, ModeResult r, LoadOptions o) {
    PhaseResult s = r.saturated();
    PhaseResult p = r.paced();
    Latencies l = p == null ? Latencies.of(new long[0]) : p.duplicateLatency();
    md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %.3f | %s | %s | %s | %s | %s | %s | %s |%n",
        r.mode().equals("vectors") ? "(a) precomputed vectors" : "(b) perceptual, real images",
        s.storedAtStart(), s.events(), rate(s), rate(r.baseline()), s.throughput() / r.baseline().throughput(),
        p == null ? "skipped" : String.format(Locale.ROOT, "%.0f", p.offeredRate()),
        Latencies.ms(l.percentileMs(50)), Latencies.ms(l.percentileMs(95)), Latencies.ms(l.percentileMs(99)), Latencies.ms(l.maxMs()),
        recall(s), restore(s, r.baseline(), o)));
  }

  private static void details(StringBuilder md, ModeResult r, LoadOptions o) {
    PhaseResult s = r.saturated();
    PhaseResult p = r.paced();
    md.append(String.format("### %s%n%n%s.%n%n", r.mode().equals("vectors") ? "(a) precomputed vectors" : "(b) perceptual embedder, real images",
        r.describe()));
    md.append(String.format("- Saturation: %,d events in %.1f s%s; CPU %.2f cores for the process, %.2f for the stream threads "
            + "(machine load average %.1f); dead letters %.0f; planted pairs reported %d/%d, other pairs %d%s.%n",
        s.events(), s.seconds(), s.drained() ? "" : " (**did not drain**)", s.cpu().processCores(), s.cpu().streamCores(),
        s.cpu().loadAverage(), s.deadLetters(), s.found(), s.planted(), s.unplanted(), exact(s)));
    md.append(String.format("  - Match stage, stream-thread ms per upload by phase (`lookalike.match`): %s.%n", s.matchPhases().perUpload()));
    if (p != null) {
      md.append(String.format("- Paced at %.0f events/s (%,d events, sender at most %.1f ms behind schedule): NearDuplicateDetected "
              + "p50/p95/p99/max %s ms over %d planted pairs (%d/%d reported); first Recommendations of each upload %s ms; "
              + "CPU %.2f process, %.2f stream threads (load average %.1f)%s.%n",
          p.offeredRate(), p.events(), p.senderBehindMs(), p.duplicateLatency().summary(), p.duplicateLatency().count(), p.found(),
          p.planted(), p.recommendationLatency().summary(), p.cpu().processCores(), p.cpu().streamCores(), p.cpu().loadAverage(), exact(p)));
      md.append(String.format("  - Where it went: upload to the pair's append by the stream thread (queueing and processing) %s ms; "
              + "append to read_committed read (the commit) %s ms. By %d-s window of sending, p50/p99 (pairs): %s.%n",
          p.split().toAppend().summary(), p.split().toRead().summary(), LatencySplit.WINDOW_SECONDS, p.split().windowSummary()));
      md.append(String.format("  - Match stage per upload: %s.%n", p.matchPhases().perUpload()));
      md.append(String.format("  - Machine (`MachineProbe`, same windows): %s.%n", p.machine()));
    }
    md.append(String.format("- Baseline (pass-through): %s events/s at saturation (CPU %.2f process, %.2f stream threads, "
            + "load average %.1f)%s.%n",
        rate(r.baseline()), r.baseline().cpu().processCores(), r.baseline().cpu().streamCores(), r.baseline().cpu().loadAverage(),
        r.baselinePaced() == null ? "" : String.format("; paced at %.0f events/s, upload to sink copy %s ms, by %d-s window "
                + "p50/p99: %s; machine: %s", r.baselinePaced().offeredRate(), r.baselinePaced().duplicateLatency().summary(),
            LatencySplit.WINDOW_SECONDS, r.baselinePaced().split().windowSummary(), r.baselinePaced().machine())));
    if (o.preload.viaChangelog()) {
      md.append(String.format("- Start → RUNNING: %.1f s restoring %,d pre-stored vectors (and their neighbour lists)%s, %.1f s for the "
              + "stateless baseline; writing the changelogs took %.1f s.%n", s.startToRunning().toMillis() / 1e3, o.preloaded,
          o.preload == LoadOptions.PreloadHow.snapshot ? " from the saved graph, confirmed record by record by the changelog" : "",
          r.baseline().startToRunning().toMillis() / 1e3, s.preload().toMillis() / 1e3));
    } else {
      md.append(String.format("- Start → RUNNING: %.1f s (empty stores), %.1f s for the stateless baseline; streaming the %,d "
              + "pre-stored vectors through the topology then took %.1f s.%n", s.startToRunning().toMillis() / 1e3,
          r.baseline().startToRunning().toMillis() / 1e3, o.preloaded, s.preload().toMillis() / 1e3));
    }
    md.append(String.format("- Warm-up: %,d events drained in %.1f s.%n", s.storedAtStart() - o.preloaded, s.warmup().toMillis() / 1e3));
    md.append(String.format("- Issue 5 targets: >= 2,000 events/s with 1M stored (here %s events/s with %,d stored: %s); p99 < 250 ms at "
            + "half that rate (%s).%n%n",
        rate(s), s.storedAtStart(), s.throughput() >= 2000 ? "met at this size" : "not met",
        p == null ? "not measured" : String.format("here %s ms at %.0f events/s: %s", Latencies.ms(p.duplicateLatency().percentileMs(99)),
            p.offeredRate(), p.duplicateLatency().percentileMs(99) < 250 ? "met" : "not met")));
  }

  private static String rate(PhaseResult r) {
    return String.format(Locale.ROOT, "%,.0f", r.throughput()) + (r.drained() ? "" : " (not drained)");
  }

  private static String recall(PhaseResult r) {
    return r.planted() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f (%d/%d)", r.plantedRecall(), r.found(), r.planted());
  }

  private static String exact(PhaseResult r) {
    return r.exactExpected() < 0 ? "" : String.format("; pairs an exact scan finds among the measured uploads: %d/%d reported",
        r.exactFound(), r.exactExpected());
  }

  private static String restore(PhaseResult topology, PhaseResult baseline, LoadOptions o) {
    if (o.preloaded == 0) return String.format(Locale.ROOT, "%.1f s (nothing stored)", topology.startToRunning().toMillis() / 1e3);
    return String.format(Locale.ROOT, "%.1f s (baseline %.1f s)%s", topology.startToRunning().toMillis() / 1e3,
        baseline.startToRunning().toMillis() / 1e3, o.preload.viaChangelog() ? "" : ", pre-stored by streaming");
  }

  /** Which index served the run: the setting, or its default. */
  private static String index(LoadOptions o) {
    String key = LookalikeConfig.VECTOR_PREFIX + LoadOptions.VECTOR + "." + VectorConfig.INDEX;
    return key + "=" + o.overrides.getOrDefault(key, String.valueOf(VectorConfig.CONFIG_DEF.defaultValues().get(VectorConfig.INDEX)));
  }

  private static String cpuModel() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  static void write(Path out, String section, boolean append) throws IOException {
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    if (append && Files.exists(out)) {
      Files.writeString(out, "\n" + section, StandardOpenOption.APPEND);
    } else {
      Files.writeString(out, HEADER + "\n" + section);
    }
  }
}
