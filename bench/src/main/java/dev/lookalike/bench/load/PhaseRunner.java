package dev.lookalike.bench.load;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.serde.ConfluentAvroSerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.Topic;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Runs one phase on a fresh application (own id, topics and state), so every phase starts from
 * the same pre-stored state: pre-store, start, warm up, then send the measured events (as fast
 * as possible, or paced) and wait until they have drained.
 */
final class PhaseRunner {

  private final Platform platform;
  private final LoadOptions options;
  private final String runId;
  private final Path stateRoot;
  private final Duration timeout;

  PhaseRunner(Platform platform, LoadOptions options, String runId, Path stateRoot) {
    this.platform = platform;
    this.options = options;
    this.runId = runId;
    this.stateRoot = stateRoot;
    this.timeout = Duration.ofSeconds((long) (options.timeoutMinutes * 60));
  }

  /** The service's settings for one application: its own id, topics and state dir; --set last. */
  LookalikeConfig config(String applicationId) {
    Map<String, Object> values = new HashMap<>();
    values.put(LookalikeConfig.APPLICATION_ID, applicationId);
    values.put(LookalikeConfig.BOOTSTRAP_SERVERS, platform.bootstrap());
    values.put(LookalikeConfig.SCHEMA_REGISTRY_URL, platform.registryUrl);
    values.put(LookalikeConfig.TOPICS_PARTITIONS, options.partitions);
    values.put(LookalikeConfig.NUM_STREAM_THREADS, options.threads);
    values.put(LookalikeConfig.STATE_DIR, stateRoot.resolve(applicationId).toString());
    values.put(LookalikeConfig.VECTORS, LoadOptions.VECTOR);
    for (String role : List.of("uploaded", "embedded", "near-duplicates", "recommendations", "dead-letter")) {
      values.put("topic." + role, applicationId + ".images." + role);
    }
    values.putAll(options.overrides);
    return LookalikeConfig.of(values);
  }

  <V extends SpecificRecord> PhaseResult topology(Scenario<V> scenario, List<LoadEvent<V>> events, double rate, String phase) {
    String appId = "load-" + runId + "-" + scenario.name() + "-" + phase;
    LookalikeConfig config = config(appId);
    Preload preload = scenario.preload();
    boolean viaChangelog = preload.count() > 0 && options.preload.viaChangelog();
    try (TopologyRun run = new TopologyRun(platform, config)) {
      // The driver's own serdes: Streams threads must not share serializer instances with it.
      Topics client = Topics.create(config, platform.registry);
      Topic<String, V> input = scenario.input(client);
      stampAppendTime(config.topicNames().nearDuplicates());
      Duration preloadTime = viaChangelog ? preloadChangelogs(run, preload) : Duration.ZERO;
      if (viaChangelog && options.preload == LoadOptions.PreloadHow.snapshot) placeSnapshots(run, scenario);
      try (OutputWatcher duplicates = watchPairs(config);
           OutputWatcher recommendations = rate > 0 ? OutputWatcher.start(platform.bootstrap(), config.topicNames().recommendations(), r -> r.key()) : null;
           EventSender sender = new EventSender(platform.bootstrap(), TopicProvisioner.maxMessageBytes(config))) {
        run.start(scenario, timeout);
        LoadDriver.progress("  %s: RUNNING after %.1f s", appId, run.startToRunning().toMillis() / 1e3);
        if (viaChangelog) writeBackDirtyPages(appId);
        if (preload.count() > 0 && !viaChangelog) preloadTime = preloadThroughTopology(run, sender, client, preload);
        long warmupStart = System.nanoTime();
        sender.burst(input.name(), scenario.warmup(), input.valueSerde().serializer());
        require(run.awaitDrained(timeout, appId + " warm-up"), "warm-up");
        Duration warmupTime = Duration.ofNanos(System.nanoTime() - warmupStart);
        double deadBefore = run.deadLetters();

        MachineProbe machine = MachineProbe.start(); // before the CPU meter: its first start builds its 64 MB cycle
        CpuMeter cpu = new CpuMeter();
        MatchPhases matchBefore = run.matchPhases();
        long[] sent = send(sender, input, events, rate);
        LoadDriver.progress("  %s: sent %,d events in %.2f s, from %s (the latency windows count from there)", appId, events.size(),
            (System.nanoTime() - sent[0]) / 1e9, wallClock(sent[0]));
        long drainedAt = run.awaitDrained(timeout, appId);
        CpuMeter.Usage usage = cpu.stop();
        MatchPhases matchPhases = run.matchPhases().since(matchBefore);
        machine.close();
        String machineWindows = machine.windowSummary(sent[0], LatencySplit.WINDOW_SECONDS);
        LoadDriver.progress("  %s: match stage per upload %s", appId, matchPhases.perUpload());
        LoadDriver.progress("  %s: machine probe %s", appId, machineWindows);
        Outcome outcome = outcome(scenario, events, sent, duplicates, config.commitIntervalMs(), run);
        long end = drainedAt < 0 ? System.nanoTime() : Math.max(drainedAt, outcome.lastPlantedSeen());
        long[] recs = recommendations == null ? new long[0] : latencies(events, sent, recommendations);
        return new PhaseResult("topology", events.size(), preload.count() + scenario.warmup().size(), (end - sent[0]) / 1e9,
            drainedAt >= 0, rate, Latencies.of(outcome.latencies()), Latencies.of(recs), outcome.planted(), outcome.found(),
            outcome.unplanted(), outcome.exactExpected(), outcome.exactFound(), run.deadLetters() - deadBefore,
            run.startToRunning(), preloadTime, warmupTime, usage, sender.maxBehindNanos() / 1e6, outcome.split(), matchPhases,
            machineWindows);
      }
    }
  }

  /** A System.nanoTime instant on the wall clock, to the millisecond, as the service's log prints it. */
  private static String wallClock(long nanos) {
    long ms = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000L;
    return java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(ms), java.time.ZoneId.systemDefault())
        .format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
  }

  /**
   * After a restore from preloaded changelogs, before anything is measured: writes the dirty
   * page cache out ({@code sync}). The preload and the restore can leave ~1.4 GB dirty at 1M
   * (the changelogs in the broker's log, the restored RocksDB files), which the kernel writes
   * back ~30 s later. In one profiled 1M run that landed inside the measured window, and the
   * stream thread sat in {@code RocksDB.get} behind it for most of a second. Setup's write-back
   * is not the service's latency; whether it drains during start-up or not depends on how long
   * the restore took, so the run does not leave it to chance.
   */
  private static void writeBackDirtyPages(String appId) {
    long start = System.nanoTime();
    try {
      int exit = new ProcessBuilder("sync").inheritIO().start().waitFor();
      LoadDriver.progress("  %s: dirty pages written back (sync) in %.1f s%s", appId, (System.nanoTime() - start) / 1e9,
          exit == 0 ? "" : ", exit " + exit);
    } catch (IOException e) {
      LoadDriver.progress("  %s: could not run sync (%s); the kernel's write-back may land in the measured window", appId, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The broker stamps the topic's records when it appends them: see {@link LatencySplit}. */
  private void stampAppendTime(String topic) {
    var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    var op = new AlterConfigOp(new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"), AlterConfigOp.OpType.SET);
    try {
      platform.admin().incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not set LogAppendTime on " + topic, e.getCause());
    }
  }

  /** Before start: the stores' changelogs, which Kafka Streams then restores. */
  private Duration preloadChangelogs(TopologyRun run, Preload preload) {
    long start = System.nanoTime();
    String appId = run.config.applicationId();
    var written = ChangelogPreloader.write(platform.kafka, appId, run.config.vector(LoadOptions.VECTOR), run.partitions, preload);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LoadDriver.progress("  %s: wrote %,d changelog records (%,d MB) in %.1f s", appId, written.records(), written.bytes() >> 20,
        took.toMillis() / 1e3);
    return took;
  }

  /** Before start, after the changelogs: the vector store's saved graph for each task (cached; not timed). */
  private void placeSnapshots(TopologyRun run, Scenario<?> scenario) {
    String store = Names.vectorStore(LoadOptions.VECTOR);
    int built = SnapshotPreloader.place(run.config.vector(LoadOptions.VECTOR), run.partitions, scenario.preload(),
        run.taskDirs(scenario, store));
    LoadDriver.progress("  %s: vector store snapshots placed (%d of %d built now, the rest cached)", run.config.applicationId(), built,
        run.partitions);
  }

  /** After start: every pre-stored image as an ImageEmbedded event, matched like any other. */
  private Duration preloadThroughTopology(TopologyRun run, EventSender sender, Topics client, Preload preload) {
    long start = System.nanoTime();
    sender.paced(client.embedded().name(), preloadEvents(preload), client.embedded().valueSerde().serializer(), 0);
    require(run.awaitDrained(timeout, run.config.applicationId() + " pre-store"), "pre-stored vectors");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The pairs reported, keyed as {@link LoadEvent#pair}. */
  private OutputWatcher watchPairs(LookalikeConfig config) {
    Deserializer<NearDuplicateDetected> events = new ConfluentAvroSerde<>(platform.registry, NearDuplicateDetected.class, false, false).deserializer();
    return OutputWatcher.start(platform.bootstrap(), config.topicNames().nearDuplicates(), r -> {
      NearDuplicateDetected d = events.deserialize(r.topic(), r.value());
      return LoadEvent.pair(d.getImageId(), d.getDuplicateOf());
    });
  }

  <V extends SpecificRecord> PhaseResult passThrough(Scenario<V> scenario, List<LoadEvent<V>> events, double rate, String phase) {
    String appId = "load-" + runId + "-" + scenario.name() + "-baseline-" + phase;
    LookalikeConfig config = config(appId);
    Topic<String, V> input = scenario.input(Topics.create(config, platform.registry));
    Topic<String, V> client = scenario.input(Topics.create(config, platform.registry));
    try (PassThroughRun<V> run = new PassThroughRun<>(platform.kafka, config, input);
         OutputWatcher out = OutputWatcher.start(platform.bootstrap(), run.output, r -> r.key());
         EventSender sender = new EventSender(platform.bootstrap(), TopicProvisioner.maxMessageBytes(config))) {
      run.start(timeout);
      sender.burst(client.name(), scenario.warmup(), client.valueSerde().serializer());
      awaitRecords(out, scenario.warmup().size(), appId + " warm-up");
      MachineProbe machine = MachineProbe.start();
      CpuMeter cpu = new CpuMeter();
      long[] sent = send(sender, client, events, rate);
      LoadDriver.progress("  %s: sent %,d events in %.2f s", appId, events.size(), (System.nanoTime() - sent[0]) / 1e9);
      boolean drained = awaitRecords(out, scenario.warmup().size() + events.size(), appId);
      CpuMeter.Usage usage = cpu.stop();
      machine.close();
      String machineWindows = machine.windowSummary(sent[0], LatencySplit.WINDOW_SECONDS);
      LoadDriver.progress("  %s: machine probe %s", appId, machineWindows);
      long[] latencies = latencies(events, sent, out);
      long end = drained ? out.lastSeenNanos() : System.nanoTime();
      return new PhaseResult("baseline", events.size(), 0, (end - sent[0]) / 1e9, drained, rate, Latencies.of(latencies),
          Latencies.of(new long[0]), 0, 0, 0, -1, -1, 0, run.startToRunning(), Duration.ZERO, Duration.ZERO, usage,
          sender.maxBehindNanos() / 1e6, baselineWindows(events, sent, out), MatchPhases.empty(), machineWindows);
    }
  }

  /** Saturation when {@code rate} is 0, else paced. */
  private static <V> long[] send(EventSender sender, Topic<String, V> topic, List<LoadEvent<V>> events, double rate) {
    return rate > 0 ? sender.paced(topic.name(), events, topic.valueSerde().serializer(), rate)
        : sender.burst(topic.name(), events, topic.valueSerde().serializer());
  }

  private boolean awaitRecords(OutputWatcher out, long count, String label) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (out.records() < count) {
      if (System.nanoTime() > deadline) {
        LoadDriver.progress("  %s: only %,d of %,d records arrived", label, out.records(), count);
        return false;
      }
      TopologyRun.sleepMillis(2);
    }
    return true;
  }

  /** The pairs found, and the latency of each planted one. */
  record Outcome(long[] latencies, int planted, int found, int unplanted, int exactExpected, int exactFound, long lastPlantedSeen,
                 LatencySplit split) {}

  private <V extends SpecificRecord> Outcome outcome(Scenario<V> scenario, List<LoadEvent<V>> events, long[] sent, OutputWatcher duplicates,
                                                     long commitMs, TopologyRun run) {
    Set<String> planted = new HashSet<>();
    for (LoadEvent<V> e : events) if (e.duplicateOf() != null) planted.add(LoadEvent.pair(e.id(), e.duplicateOf()));
    Set<String> exact = scenario.exactPairs(events.size());
    Set<String> awaited = new HashSet<>(planted);
    if (exact != null) awaited.addAll(exact);
    // Drained means processed; the last pairs become readable with the next commit.
    long deadline = System.nanoTime() + Duration.ofMillis(3 * commitMs + 2000).toNanos();
    while (System.nanoTime() < deadline && !duplicates.seen().keySet().containsAll(awaited)) TopologyRun.sleepMillis(10);
    long[] latencies = new long[planted.size()];
    int found = 0;
    long last = 0;
    List<LoadEvent<V>> missed = new ArrayList<>();
    Long[] seenAt = new Long[events.size()];
    Long[] appendedAt = new Long[events.size()];
    for (int i = 0; i < events.size(); i++) {
      LoadEvent<V> e = events.get(i);
      if (e.duplicateOf() == null) continue;
      String pair = LoadEvent.pair(e.id(), e.duplicateOf());
      Long seen = duplicates.firstSeen(pair);
      if (seen == null) {
        missed.add(e);
        continue;
      }
      seenAt[i] = seen;
      appendedAt[i] = duplicates.timestamp(pair);
      latencies[found++] = seen - sent[i];
      last = Math.max(last, seen);
    }
    if (!missed.isEmpty()) MissedPairs.trace(run.kafkaStreams(), LoadOptions.VECTOR, missed, 40);
    Set<String> measured = new HashSet<>();
    events.forEach(e -> measured.add(e.id()));
    Set<String> detected = new HashSet<>();
    for (String pair : duplicates.seen().keySet()) {
      if (measured.contains(pair.substring(0, pair.indexOf('|')))) detected.add(pair);
    }
    int unplanted = (int) detected.stream().filter(p -> !planted.contains(p)).count();
    int exactFound = exact == null ? -1 : (int) exact.stream().filter(detected::contains).count();
    if (exact != null && exactFound < exact.size()) {
      List<String> missing = exact.stream().filter(p -> !detected.contains(p)).sorted().limit(10).toList();
      LoadDriver.progress("  pairs an exact scan finds but not reported (first 10): %s", missing);
      for (String m : missing) {
        String later = m.substring(0, m.indexOf('|'));
        String earlier = m.substring(m.indexOf('|') + 1);
        LoadDriver.progress("    %s: reported pairs with either image: %s", m, duplicates.seen().keySet().stream()
            .filter(p -> p.contains(later) || p.contains(earlier)).toList());
      }
    }
    return new Outcome(java.util.Arrays.copyOf(latencies, found), planted.size(), found, unplanted,
        exact == null ? -1 : exact.size(), exactFound, last, LatencySplit.of(sent, seenAt, appendedAt));
  }

  private static <V> LatencySplit baselineWindows(List<LoadEvent<V>> events, long[] sent, OutputWatcher out) {
    Long[] seen = new Long[events.size()];
    for (int i = 0; i < events.size(); i++) seen[i] = out.firstSeen(events.get(i).id());
    return LatencySplit.windowsOf(sent, seen);
  }

  private static <V> long[] latencies(List<LoadEvent<V>> events, long[] sent, OutputWatcher out) {
    long[] result = new long[events.size()];
    int n = 0;
    for (int i = 0; i < events.size(); i++) {
      Long seen = out.firstSeen(events.get(i).id());
      if (seen != null) result[n++] = seen - sent[i];
    }
    return java.util.Arrays.copyOf(result, n);
  }

  private static List<LoadEvent<ImageEmbedded>> preloadEvents(Preload preload) {
    return new AbstractList<>() {
      @Override
      public LoadEvent<ImageEmbedded> get(int i) {
        return new LoadEvent<>(Preload.id(i), null, at -> preload.embedded(i));
      }

      @Override
      public int size() {
        return (int) preload.count();
      }
    };
  }

  private static void require(long drainedAt, String what) {
    if (drainedAt < 0) throw new IllegalStateException(what + " did not drain in time");
  }
}
