package dev.lookalike.bench.load;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine;

/**
 * End-to-end load driver (issue 5): events per second through the whole production topology on
 * the in-process KRaft broker, against a pass-through baseline on the same broker in the same
 * run, and upload-to-event latency at half the saturated rate. Per mode:
 * <ol>
 *   <li>baseline at saturation: the events as fast as the producer takes them, timed to drain;
 *   <li>topology at saturation, on a fresh application with the pre-stored vectors;
 *   <li>topology paced at half that rate (latency of the planted pairs' NearDuplicateDetected);
 *   <li>baseline paced at the same rate (the floor EOS and commit intervals set).
 * </ol>
 * Usage: {@code bench/run-load.sh --help}.
 */
public final class LoadDriver {

  private LoadDriver() {}

  /** A mode's four phases. */
  record ModeResult(String mode, String describe, PhaseResult baseline, PhaseResult saturated, PhaseResult paced,
                    PhaseResult baselinePaced) {}

  public static void main(String[] args) throws Exception {
    quietLogging();
    LoadOptions options = new LoadOptions();
    CommandLine cli = new CommandLine(options);
    cli.parseArgs(args);
    if (cli.isUsageHelpRequested()) {
      cli.usage(System.out);
      return;
    }
    warnAboutUnknownSettings(options);
    Path stateRoot = Files.createTempDirectory("lookalike-load-");
    String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("MMddHHmmss"));
    List<ModeResult> results = new ArrayList<>();
    try (Platform platform = Platform.start(options.registry)) {
      progress("broker at %s (%d ms), %s", platform.bootstrap(), platform.brokerStartup().toMillis(), platform.describe);
      PhaseRunner runner = new PhaseRunner(platform, options, runId, stateRoot);
      if (options.mode != LoadOptions.Mode.images) results.add(run(runner, new VectorScenario(options), options));
      if (options.mode != LoadOptions.Mode.vectors) {
        if (options.realDir == null || !Files.isDirectory(options.realDir)) {
          progress("mode images skipped: no --real-dir with openclipart PNGs");
        } else {
          double threshold = runner.config("probe").vector(LoadOptions.VECTOR).duplicateThreshold();
          results.add(run(runner, new ImageScenario(options, options.realDir, threshold), options));
        }
      }
      String report = LoadReport.render(options, platform, results, String.join(" ", args));
      LoadReport.write(options.out, report, options.append);
      System.out.println(report);
    } finally {
      deleteRecursively(stateRoot);
    }
    System.exit(0); // the registry's shutdown hook and Kafka's daemon threads stop with the JVM
  }

  private static <V extends SpecificRecord> ModeResult run(PhaseRunner runner, Scenario<V> scenario, LoadOptions options) {
    progress("== mode %s: %s", scenario.name(), scenario.describe());
    List<LoadEvent<V>> events = scenario.events();
    PhaseResult baseline = runner.passThrough(scenario, events, 0, "sat");
    progress("baseline at saturation: %,.0f events/s", baseline.throughput());
    PhaseResult saturated = runner.topology(scenario, events, 0, "sat");
    progress("topology at saturation: %,.0f events/s, planted pairs found %d/%d", saturated.throughput(), saturated.found(),
        saturated.planted());
    if (options.skipLatency) return new ModeResult(scenario.name(), scenario.describe(), baseline, saturated, null, null);
    double rate = options.latencyRate > 0 ? options.latencyRate : saturated.throughput() / 2;
    int count = (int) Math.min(events.size(), Math.max(100, Math.round(rate * options.latencySeconds)));
    List<LoadEvent<V>> paced = events.subList(0, count);
    PhaseResult latency = runner.topology(scenario, paced, rate, "lat");
    progress("topology at %.0f events/s: latency p50/p95/p99/max %s ms", rate, latency.duplicateLatency().summary());
    progress("  upload to append %s ms; append to read %s ms; by %d-s window p50/p99: %s", latency.split().toAppend().summary(),
        latency.split().toRead().summary(), LatencySplit.WINDOW_SECONDS, latency.split().windowSummary());
    PhaseResult baselineLatency = runner.passThrough(scenario, paced, rate, "lat");
    progress("baseline at %.0f events/s: latency %s ms; by %d-s window p50/p99: %s", rate, baselineLatency.duplicateLatency().summary(),
        LatencySplit.WINDOW_SECONDS, baselineLatency.split().windowSummary());
    return new ModeResult(scenario.name(), scenario.describe(), baseline, saturated, latency, baselineLatency);
  }

  /** A --set key that this build does not know is ignored by the service: say so, or a rerun misleads. */
  private static void warnAboutUnknownSettings(LoadOptions options) {
    String vectorPrefix = LookalikeConfig.VECTOR_PREFIX + LoadOptions.VECTOR + ".";
    for (String key : options.overrides.keySet()) {
      boolean known = LookalikeConfig.CONFIG_DEF.names().contains(key) || key.startsWith(LookalikeConfig.KAFKA_PREFIX)
          || (key.startsWith(vectorPrefix) && VectorConfig.CONFIG_DEF.names().contains(key.substring(vectorPrefix.length())));
      if (!known) progress("WARNING: --set %s is not a setting of this build; the service ignores it", key);
    }
  }

  static void progress(String format, Object... args) {
    System.err.printf("[load %s] %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), String.format(format, args));
  }

  /** Kafka and the broker log a great deal at INFO; keep the driver's output readable unless told otherwise. */
  private static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("org.slf4j.simpleLogger.log.dev.lookalike", System.getProperty("org.slf4j.simpleLogger.log.dev.lookalike", "warn"));
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.controller", "error");
    // Matches slower than 100 ms, with their phases, to line up with the latency windows.
    String slowMatches = "org.slf4j.simpleLogger.log.dev.lookalike.topology.match.MatchTiming";
    System.setProperty(slowMatches, System.getProperty(slowMatches, "info"));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
