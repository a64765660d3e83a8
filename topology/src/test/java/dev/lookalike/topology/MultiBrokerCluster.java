package dev.lookalike.topology;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.BrokerState;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft cluster in this JVM for failure tests: three brokers and one separate controller
 * ({@link KafkaClusterTestKit}; three combined nodes are unreliable here).
 *
 * <p>Set up like a small production cluster: the latest production metadata version with every
 * production feature at its default level for that version (the test kit's defaults are the
 * unstable testing versions), unstable APIs off, replication factor 3 and {@code
 * min.insync.replicas=2} for every topic (internal ones included), so one broker may be lost
 * without losing availability or acknowledged data.
 */
public final class MultiBrokerCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MultiBrokerCluster.class);
  public static final int BROKERS = 3;
  /** The test kit numbers controllers from 3000. */
  private static final int CONTROLLER_ID = 3000;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaClusterTestKit kit;
  private final Duration startupTime;
  private final Admin admin;

  private MultiBrokerCluster(KafkaClusterTestKit kit, Duration startupTime) {
    this.kit = kit;
    this.startupTime = startupTime;
    this.admin = kit.admin();
  }

  /** Formats and starts the cluster; returns once every broker is unfenced and serving. */
  public static MultiBrokerCluster start() {
    return start(Map.of());
  }

  /** @param brokerConfig extra properties for every node, applied over the defaults below */
  public static MultiBrokerCluster start(Map<String, String> brokerConfig) {
    long t0 = System.nanoTime();
    KafkaClusterTestKit kit = null;
    try {
      TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrap())
          .setCombined(false)
          .setNumControllerNodes(1)
          .setNumBrokerNodes(BROKERS)
          // Topics created without a replication factor: a controller setting since Kafka 4.
          .setPerServerProperties(Map.of(CONTROLLER_ID, Map.of("default.replication.factor", String.valueOf(BROKERS))))
          .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      Map<String, String> config = new HashMap<>(defaults());
      config.putAll(brokerConfig);
      config.forEach(builder::setConfigProp);
      kit = builder.build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      if (kit != null) closeQuietly(kit);
      throw new IllegalStateException("could not start the cluster", e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    MultiBrokerCluster cluster = new MultiBrokerCluster(kit, took);
    log.info("{} brokers + 1 controller ready at {} in {} ms", BROKERS, cluster.bootstrapServers(), took.toMillis());
    return cluster;
  }

  /**
   * What {@code kafka-storage format --release-version <latest production>} writes: the metadata
   * version and each production feature (group, streams, transaction, share,
   * eligible-leader-replicas) at its default level for it. Left out, those features stay at 0:
   * no transactions v2, no Streams rebalance protocol.
   */
  static BootstrapMetadata productionBootstrap() {
    MetadataVersion version = MetadataVersion.latestProduction();
    Map<String, Short> levels = new HashMap<>();
    for (Feature feature : Feature.PRODUCTION_FEATURES) {
      // kraft.version describes the quorum itself; it is set by formatting, not a feature record.
      if (feature == Feature.KRAFT_VERSION) continue;
      levels.put(feature.featureName(), feature.defaultLevel(version));
    }
    return BootstrapMetadata.fromVersions(version, levels, "MultiBrokerCluster");
  }

  private static Map<String, String> defaults() {
    Map<String, String> p = new HashMap<>();
    // Production behaviour: no unstable API or feature versions (the test kit enables both).
    p.put("unstable.api.versions.enable", "false");
    p.put("unstable.feature.versions.enable", "false");
    // Every topic, internal ones included, survives the loss of one broker.
    p.put("min.insync.replicas", "2");
    p.put("offsets.topic.replication.factor", "3");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    p.put("share.coordinator.state.topic.replication.factor", "3");
    p.put("share.coordinator.state.topic.min.isr", "2");
    // Fewer coordinator partitions than the default 50: faster first join and transaction.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.num.partitions", "5");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    return p;
  }

  public String bootstrapServers() {
    return kit.bootstrapServers();
  }

  /** Wall time of format, start and wait until every broker was ready. */
  public Duration startupTime() {
    return startupTime;
  }

  /** An admin client of this cluster; closed with it, do not close it. */
  public Admin admin() {
    return admin;
  }

  public Set<Integer> brokerIds() {
    return new TreeSet<>(kit.brokers().keySet());
  }

  /** Brokers currently serving (started and not shut down). */
  public Set<Integer> runningBrokerIds() {
    Set<Integer> ids = new TreeSet<>();
    kit.brokers().forEach((id, b) -> {
      if (b.brokerState() == BrokerState.RUNNING) ids.add(id);
    });
    return ids;
  }

  /**
   * Stops one broker cleanly, as a SIGTERM would: a controlled shutdown (the controller moves its
   * partition leaderships away and shrinks the ISRs), then its network and log manager close.
   * Returns once it is down; the rest of the cluster keeps running.
   */
  public Duration shutdownBroker(int id) {
    BrokerServer broker = broker(id);
    long t0 = System.nanoTime();
    broker.shutdown();
    broker.awaitShutdown();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    log.info("broker {} stopped in {} ms", id, took.toMillis());
    return took;
  }

  /** Starts a broker stopped by {@link #shutdownBroker} again, on its old log dirs; returns once it is running. */
  public Duration startBroker(int id) {
    BrokerServer broker = broker(id);
    long t0 = System.nanoTime();
    broker.startup();
    await("broker " + id + " running").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(20))
        .until(() -> broker.brokerState() == BrokerState.RUNNING);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    log.info("broker {} restarted in {} ms", id, took.toMillis());
    return took;
  }

  private BrokerServer broker(int id) {
    BrokerServer broker = kit.brokers().get(id);
    if (broker == null) throw new IllegalArgumentException("no broker " + id + ", brokers: " + brokerIds());
    return broker;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
    closeQuietly(kit);
  }

  private static void closeQuietly(KafkaClusterTestKit kit) {
    try {
      kit.close();
    } catch (Exception e) {
      log.warn("error closing the cluster", e);
    }
  }
}
