package dev.lookalike.bench.load;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load driver's command line. The defaults are a small run that takes about five minutes on
 * two cores with today's exact scan (which alone manages ~40-100 events/s at 10k-30k stored).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "End-to-end load driver: the whole Lookalike topology on the in-process broker, against a pass-through baseline.")
final class LoadOptions {

  /** The named vector every run uses, so {@code --set vector.perceptual.*} tunes it in both modes. */
  static final String VECTOR = "perceptual";

  enum Mode { vectors, images, both }

  enum PreloadHow {
    changelog, snapshot, stream;

    boolean viaChangelog() {
      return this != stream;
    }
  }

  @Option(names = "--mode", description = "vectors (a: precomputed ImageEmbedded), images (b: perceptual embedder on real images) or both. Default: ${DEFAULT-VALUE}")
  Mode mode = Mode.both;

  @Option(names = "--events", description = "Measured events in mode (a). Default: ${DEFAULT-VALUE}")
  int events = 5_000;

  @Option(names = "--image-events", description = "Measured uploads in mode (b), at most the real images available. Default: ${DEFAULT-VALUE}")
  int imageEvents = 1_000;

  @Option(names = "--preloaded", description = "Vectors stored before each measurement (synthetic, clustered). Default: ${DEFAULT-VALUE}")
  long preloaded = 10_000;

  @Option(names = "--preload", description = "changelog: write the stores' changelogs, then start (restore is measured); "
      + "snapshot: the same plus the vector store's saved graph for each task, as a restarted instance finds it "
      + "(built once, then cached in bench/target/load-snapshots); stream: produce them through the topology and wait (O(n^2) with exact scan). Default: ${DEFAULT-VALUE}")
  PreloadHow preload = PreloadHow.changelog;

  @Option(names = "--warmup", description = "Events sent and drained before timing starts. Default: ${DEFAULT-VALUE}")
  int warmup = 500;

  @Option(names = "--duplicates", description = "Fraction of measured events planted as near-duplicates. Default: ${DEFAULT-VALUE}")
  double duplicates = 0.1;

  @Option(names = "--dims", description = "Vector length in mode (a). Default: ${DEFAULT-VALUE}")
  int dims = 512;

  @Option(names = "--cluster-size", description = "Pre-stored images per cluster of the generator. Default: ${DEFAULT-VALUE}")
  int clusterSize = 64;

  @Option(names = "--spread", description = "Generator: cluster spread (members score ~1/(1+s^2)). Default: ${DEFAULT-VALUE}")
  float spread = 1.0f;

  @Option(names = "--jitter", description = "Generator: near-duplicate perturbation (scores ~1/sqrt(1+j^2)). Default: ${DEFAULT-VALUE}")
  float jitter = 0.3f;

  @Option(names = "--seed", description = "Default: ${DEFAULT-VALUE}")
  long seed = 42;

  @Option(names = "--partitions", description = "topics.partitions. Default: ${DEFAULT-VALUE}")
  int partitions = 4;

  @Option(names = "--threads", description = "num.stream.threads. Default: ${DEFAULT-VALUE}")
  int threads = 1;

  @Option(names = "--latency-seconds", description = "Length of the paced run at half the saturated rate. Default: ${DEFAULT-VALUE}")
  double latencySeconds = 30;

  @Option(names = "--skip-latency", description = "Saturation phases only (for large pre-stores, where a paced run takes long).")
  boolean skipLatency;

  @Option(names = "--latency-rate", description = "Pace of the latency run in events/s (default: half the measured throughput).")
  double latencyRate = 0;

  @Option(names = "--set", description = "A service setting, key=value (e.g. vector.perceptual.duplicate.threshold=0.9, commit.interval.ms=50); repeatable, applied last.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--registry", description = "apicurio (the real registry, a child process) or memory. Default: ${DEFAULT-VALUE}")
  String registry = "apicurio";

  @Option(names = "--real-dir", description = "Folder of real PNGs for mode (b) (openclipart-png).")
  Path realDir;

  @Option(names = "--out", description = "Markdown results file. Default: ${DEFAULT-VALUE}")
  Path out = Path.of("bench/results/load.md");

  @Option(names = "--append", description = "Add this run's section to --out instead of replacing it.")
  boolean append;

  @Option(names = "--command", description = "The command line to quote in the report (set by run-load.sh).")
  String command;

  /** The options that shape a run, for the report (the command line may rely on defaults). */
  String summary() {
    return String.format("--mode %s --events %d --image-events %d --preloaded %d --preload %s --warmup %d --duplicates %s "
            + "--dims %d --cluster-size %d --partitions %d --threads %d --latency-seconds %s%s --seed %d%s",
        mode, events, imageEvents, preloaded, preload, warmup, duplicates, dims, clusterSize, partitions, threads, latencySeconds,
        latencyRate > 0 ? " --latency-rate " + latencyRate : "", seed, skipLatency ? " --skip-latency" : "");
  }

  @Option(names = "--timeout-minutes", description = "Give up waiting for one phase to drain after this long. Default: ${DEFAULT-VALUE}")
  double timeoutMinutes = 30;
}
