package dev.lookalike.topology.runtime;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.LookalikeTopology;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.metrics.VectorStoreGauges;
import dev.lookalike.topology.store.OrphanSnapshots;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts and stops the topology on a Kafka cluster: topics, client settings, lifecycle. */
public final class LookalikeStreams implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LookalikeStreams.class);
  /** Kafka Streams' default for state.cleanup.delay.ms (read from the properties when set). */
  private static final long KAFKA_STATE_CLEANUP_DELAY_MS = 600_000L;

  private final KafkaStreams streams;
  private final Topics topics;
  private final int partitions;
  private final CountDownLatch running = new CountDownLatch(1);
  private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "lookalike-snapshot-janitor");
    thread.setDaemon(true);
    return thread;
  });

  private LookalikeStreams(KafkaStreams streams, Topics topics, int partitions) {
    this.streams = streams;
    this.topics = topics;
    this.partitions = partitions;
  }

  /**
   * Deletes the vector snapshots of tasks that left this instance, as often as Kafka Streams
   * cleans their task directories and with the same delay, and only while every task here is
   * running (so each assigned task has its directory).
   */
  private void cleanSnapshotsOfDepartedTasks(Properties props) {
    Path appStateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG), props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    Object delaySetting = props.getOrDefault(StreamsConfig.STATE_CLEANUP_DELAY_MS_CONFIG, KAFKA_STATE_CLEANUP_DELAY_MS);
    Duration delay = Duration.ofMillis(Long.parseLong(String.valueOf(delaySetting)));
    janitor.scheduleWithFixedDelay(() -> {
      if (isRunning()) OrphanSnapshots.delete(appStateDir, delay, Clock.systemUTC());
    }, delay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @param applicationServer host:port other instances use to reach this one's HTTP API
   */
  public static LookalikeStreams start(LookalikeConfig config, Topics topics, TopologyServices services, String applicationServer) {
    int partitions;
    try (Admin admin = Admin.create(clientProps(config))) {
      partitions = new TopicProvisioner(config, topics).ensure(admin);
    }
    Topology topology = LookalikeTopology.build(config, topics, services, partitions);
    // One line at INFO: log shippers cut Kafka's hundred-line description into a hundred entries. The whole of it at DEBUG.
    TopologyDescription description = topology.describe();
    log.info("topology: {} sub-topologies over {} partitions per topic (the full description at DEBUG, logger {})",
        description.subtopologies().size(), partitions, LookalikeStreams.class.getName());
    log.debug("topology:\n{}", description);
    Properties props = streamsProps(config, applicationServer);
    KafkaStreams streams = new KafkaStreams(topology, props);
    LookalikeStreams runtime = new LookalikeStreams(streams, topics, partitions);
    runtime.cleanSnapshotsOfDepartedTasks(props);
    VectorStoreGauges.bind(services.meters(), streams, config.vectors());
    streams.setStateListener((now, before) -> {
      log.info("streams state {} -> {}", before, now);
      if (now == KafkaStreams.State.RUNNING) runtime.running.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      // Expected failures become dead letters inside the processors; anything reaching here is a
      // bug or a lost broker. Replacing the thread retries from the last committed offsets.
      log.error("stream thread failed, replacing it", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    return runtime;
  }

  static Properties clientProps(LookalikeConfig config) {
    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return props;
  }

  /** The Kafka Streams settings the service runs with; public so benchmarks can run a baseline topology alike. */
  public static Properties streamsProps(LookalikeConfig config, String applicationServer) {
    Properties props = clientProps(config);
    Map<String, Object> user = config.kafkaOverrides();
    int maxMessage = TopicProvisioner.maxMessageBytes(config);
    // Dead letters are the largest records the service writes.
    clientDefault(props, user, StreamsConfig::producerPrefix, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        TopicProvisioner.deadLetterMaxBytes(config));
    // A record larger than the producer's buffer is refused however long it waits.
    clientDefault(props, user, StreamsConfig::producerPrefix, ProducerConfig.BUFFER_MEMORY_CONFIG,
        Math.max(32L * 1024 * 1024, TopicProvisioner.deadLetterMaxBytes(config)));
    clientDefault(props, user, StreamsConfig::consumerPrefix, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxMessage);
    // Transactions often meet CONCURRENT_TRANSACTIONS right after a commit; the default backoff
    // grows to 1 s and then dominates latency (measured: recovery after a broker stop 7-10 s -> 4.5 s).
    clientDefault(props, user, StreamsConfig::producerPrefix, CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
    // Image fetches and hosted-embedder calls run on the stream thread, inside the open transaction.
    // Kafka Streams' exactly-once default transaction.timeout.ms (10 s) is shorter than one fetch
    // may take (fetch.total.timeout.ms, 20 s), so a slow URL got the producer fenced, the batch
    // reprocessed, the URL fetched again: forever. See transactionTimeoutMs for the rule.
    int transactionTimeout = userInt(user, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, StreamsConfig::producerPrefix)
        .orElseGet(() -> transactionTimeoutMs(config));
    clientDefault(props, user, StreamsConfig::producerPrefix, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeout);
    // The consumer leaves the group when poll() is not called for max.poll.interval.ms, and a stream
    // thread only polls between processing passes: it must outlast the longest pass (bounded by the
    // transaction timeout) with room to spare. Kafka's default (5 min) stays when it is larger.
    clientDefault(props, user, StreamsConfig::consumerPrefix, ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, Math.max(DEFAULT_MAX_POLL_INTERVAL_MS, 2L * transactionTimeout)));
    // The topology has no global stores, so this changes nothing but Kafka Streams' WARN at every start, twice
    // ("Processing exception handler is not enabled for the GlobalThread"), which sent operators looking for one.
    // The second comes from the partition assignor, which reads a StreamsConfig made of the main consumer's settings.
    String globalHandler = StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;
    if (!user.containsKey(globalHandler)) {
      props.put(globalHandler, true);
      if (!user.containsKey(StreamsConfig.mainConsumerPrefix(globalHandler))) props.put(StreamsConfig.mainConsumerPrefix(globalHandler), true);
    }
    // No record caching: results are emitted as soon as they are committed.
    if (!user.containsKey(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)) props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
    if (applicationServer != null) props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    return props;
  }

  static final int MIN_TRANSACTION_TIMEOUT_MS = 60_000;
  /** The broker's default transaction.max.timeout.ms: a producer asking for more is refused at startup. */
  static final int MAX_TRANSACTION_TIMEOUT_MS = 900_000;
  static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

  /**
   * The longest one record may hold its stream thread: its image URL fetch (all redirects, retries
   * and backoff happen within fetch.total.timeout.ms) plus one call to every hosted embedder
   * (vector.NAME.timeout.ms bounds a call, retries included). Local decoding and models take a
   * fraction of that and are covered by the safety factor of transactionTimeoutMs.
   */
  static long worstRecordMs(LookalikeConfig config) {
    long ms = config.fetchTotalTimeoutMs();
    for (VectorConfig v : config.vectors()) {
      if (v.hosted()) ms += v.timeoutMs();
    }
    return ms;
  }

  /**
   * The producer's transaction.timeout.ms. The rule: the transaction open while a record is
   * processed must outlive the slowest record, with room for more than one: twice worstRecordMs
   * (decoding, local models, a second slow record in the same processing pass), at least 60 s, and
   * at most the brokers' default transaction.max.timeout.ms (15 min), past which the producer
   * would be refused at startup (a warning then says what to change). A stream thread commits only
   * between processing passes, and a pass takes a record from each of its tasks, so several slow
   * records on one thread (say an image host that stopped answering, on many partitions) can still
   * outlast it; more stream threads or a shorter fetch.total.timeout.ms are the remedy there.
   *
   * <p>The price of a longer timeout: when an instance dies without a clean shutdown and does not
   * come back on its state directory, its open transaction holds back readers of the partitions it
   * wrote until the broker aborts it, up to this long. kafka.transaction.timeout.ms or
   * kafka.producer.transaction.timeout.ms replace the rule.
   */
  static int transactionTimeoutMs(LookalikeConfig config) {
    long wanted = Math.max(MIN_TRANSACTION_TIMEOUT_MS, 2 * worstRecordMs(config));
    if (wanted > MAX_TRANSACTION_TIMEOUT_MS) {
      log.warn("transaction.timeout.ms should be {} s (twice what one record may take: fetch.total.timeout.ms plus every "
              + "hosted vector's timeout.ms) but brokers accept {} s by default; using that. Shorten those timeouts, or "
              + "raise the brokers' transaction.max.timeout.ms and set kafka.producer.transaction.timeout.ms",
          wanted / 1000, MAX_TRANSACTION_TIMEOUT_MS / 1000);
      return MAX_TRANSACTION_TIMEOUT_MS;
    }
    return (int) wanted;
  }

  /** The producer's max.request.size: the user's kafka.* setting, else ours (the largest record the service writes). */
  public static int maxRequestSize(LookalikeConfig config) {
    return userInt(config.kafkaOverrides(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, StreamsConfig::producerPrefix)
        .orElseGet(() -> TopicProvisioner.deadLetterMaxBytes(config));
  }

  /** A client setting the user gave under kafka.*; the prefixed form wins, as in Kafka Streams. */
  private static Optional<Integer> userInt(Map<String, Object> user, String key, UnaryOperator<String> prefix) {
    Object value = user.containsKey(prefix.apply(key)) ? user.get(prefix.apply(key)) : user.get(key);
    return value == null ? Optional.empty() : Optional.of((Integer) ConfigDef.parseType(key, value, ConfigDef.Type.INT));
  }

  /**
   * Our default for one client's setting, unless the user set it under kafka.* in either form: a
   * prefixed setting beats the plain one in Kafka Streams, so ours must not shadow the user's.
   */
  private static void clientDefault(Properties props, Map<String, Object> user, UnaryOperator<String> prefix, String key,
                                    Object value) {
    if (!user.containsKey(key) && !user.containsKey(prefix.apply(key))) props.put(prefix.apply(key), value);
  }

  public KafkaStreams streams() {
    return streams;
  }

  public Topics topics() {
    return topics;
  }

  /** Partitions of the image-keyed topics. */
  public int partitions() {
    return partitions;
  }

  public boolean awaitRunning(Duration timeout) {
    try {
      return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    // Leave the group: a restarted or surviving instance gets the partitions at once instead
    // of waiting for this member's session to expire.
    streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
