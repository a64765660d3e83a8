package dev.lookalike.bench.load;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.DecodeLimits;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageErrorCode;
import dev.lookalike.embedding.image.ImageLoadException;
import dev.lookalike.topology.LookalikeTopology;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.metrics.TopologyMetrics;
import dev.lookalike.topology.runtime.LookalikeStreams;
import dev.lookalike.topology.runtime.TopicProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The production topology ({@code LookalikeTopology.build}) started by the production runtime
 * ({@link LookalikeStreams}, as the server and the integration tests start it), with the topics
 * it provisions itself. It has drained when the application's committed offsets reach the end of
 * every topic it reads: inputs and internal topics alike, so nothing is unprocessed, in flight or
 * in an open transaction (Streams commits its position past transaction markers). Counting
 * records read would not do: an aborted transaction makes Streams read some twice.
 */
final class TopologyRun implements AutoCloseable {

  final LookalikeConfig config;
  final Topics topics;
  final int partitions;
  private final Platform platform;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private LookalikeStreams streams;
  private List<TopicPartition> sources;
  private Duration startToRunning = Duration.ZERO;

  TopologyRun(Platform platform, LookalikeConfig config) {
    this.platform = platform;
    this.config = config;
    this.topics = Topics.create(config, platform.registry);
    this.partitions = new TopicProvisioner(config, topics).ensure(platform.admin());
  }

  void start(Scenario<?> scenario, Duration timeout) {
    long t0 = System.nanoTime();
    streams = LookalikeStreams.start(config, topics, services(scenario), null);
    if (!streams.awaitRunning(timeout)) throw new IllegalStateException("Kafka Streams not RUNNING within " + timeout);
    startToRunning = Duration.ofNanos(System.nanoTime() - t0);
  }

  private TopologyServices services(Scenario<?> scenario) {
    ImageDecoder decoder = new ImageDecoder(new DecodeLimits(config.imageMaxBytes(), config.imageMaxPixels()));
    return new TopologyServices(platform.registry, List.of(scenario.embedder()), decoder, url -> {
      throw new ImageLoadException(ImageErrorCode.FETCH_FAILED, "the load driver sends inline images only");
    }, Clock.systemUTC(), meters);
  }

  /** The directories Kafka Streams gives the tasks that hold {@code store}, by partition. */
  IntFunction<Path> taskDirs(Scenario<?> scenario, String store) {
    Topology topology = LookalikeTopology.build(config, topics, services(scenario), partitions);
    for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Processor p && p.stores().contains(store)) {
          return partition -> Path.of(config.stateDir(), config.applicationId(), sub.id() + "_" + partition);
        }
      }
    }
    throw new IllegalArgumentException("no processor of the topology uses " + store);
  }

  /** The running application, for interactive queries after a phase. */
  KafkaStreams kafkaStreams() {
    return streams.streams();
  }

  Duration startToRunning() {
    return startToRunning;
  }

  long embeddedIn() {
    return count(TopologyMetrics.EVENTS_IN, topics.embedded().name());
  }

  long partialsIn() {
    return count(TopologyMetrics.EVENTS_IN, topics.matchPartials().name());
  }

  /** The match stage's time by phase so far (every vector, every task). */
  MatchPhases matchPhases() {
    return MatchPhases.read(meters);
  }

  double deadLetters() {
    return meters.find(TopologyMetrics.DEAD_LETTERS).counters().stream().mapToDouble(Counter::count).sum();
  }

  private long count(String meter, String topic) {
    Counter c = meters.find(meter).tag("topic", topic).counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Records not yet processed and committed, summed over every topic the application reads. */
  long lag() {
    Admin admin = platform.admin();
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.applicationId())
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartition tp : sourcePartitions(admin)) latest.put(tp, OffsetSpec.latest());
      long lag = 0;
      for (var end : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata done = committed.get(end.getKey());
        lag += Math.max(0, end.getValue().offset() - (done == null ? 0 : done.offset()));
      }
      return lag;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read offsets: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private List<TopicPartition> sourcePartitions(Admin admin) throws InterruptedException, ExecutionException {
    if (sources == null) {
      List<String> names = List.of(topics.uploaded().name(), topics.embedded().name(), topics.contentRequests().name(),
          topics.contentResults().name(), topics.match().name(), topics.matchPartials().name());
      List<TopicPartition> all = new ArrayList<>();
      admin.describeTopics(names).allTopicNames().get().forEach((name, d) ->
          d.partitions().forEach(p -> all.add(new TopicPartition(name, p.partition()))));
      sources = all;
    }
    return sources;
  }

  /**
   * Waits until the application has processed and committed everything sent so far.
   *
   * @return System.nanoTime when drained, or -1 on timeout
   */
  long awaitDrained(Duration timeout, String label) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextReport = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      long lag = lag();
      if (lag == 0) return System.nanoTime();
      if (System.nanoTime() > nextReport) {
        LoadDriver.progress("  %s: %,d records behind (read so far: %,d embedded, %,d partials)", label, lag, embeddedIn(), partialsIn());
        nextReport += 10_000_000_000L;
      }
      sleepMillis(20);
    }
    return -1;
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (streams != null) streams.close();
  }
}
