package dev.lookalike.server.events;

import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of images.near-duplicates from the beginning (read_committed, assigned,
 * no consumer group: every instance reads it all) on one daemon thread, keeps every tenant's
 * {@link DuplicateGraph} and hands each new event to that tenant's live subscribers.
 *
 * <p>Deleted images leave the groups: the feed also reads the changelog of each vector's deleted
 * store (partition 0: a delete is recorded on every partition), which holds one small record per
 * deleted image, where the public topics would mean reading every vector or recommendation. Those
 * changelogs appear when the streams first start, so the feed looks for any still missing every
 * {@link #LOOK_FOR_DELETES_EVERY}. A record is purged (a tombstone, ignored here) after
 * {@code match.deleted.retention.ms}; a feed started after that no longer knows the image was
 * deleted. Pairs and deletes are ordered by timestamp (see {@link DuplicateGroups}).
 *
 * <p>Events already in the topic when the feed starts build the graphs but are not sent to
 * subscribers: only events written after start are "live". Memory: see {@link DuplicateGraph};
 * the number of tenants is the number seen in the topic.
 */
public final class DuplicateFeed implements AutoCloseable {

  public static final int DEFAULT_MAX_PAIRS_PER_TENANT = 100_000;
  static final Duration LOOK_FOR_DELETES_EVERY = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(DuplicateFeed.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String pairsTopic;
  private final Deserializer<NearDuplicateDetected> pairs;
  private final Set<String> deleteTopicsMissing;
  private final DuplicateGroups groups;
  private final Map<String, Set<Consumer<NearDuplicateDetected>>> subscribers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> liveFrom = new HashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private long nextLookForDeletes;
  private volatile boolean closing;

  private DuplicateFeed(KafkaConsumer<String, byte[]> consumer, Topic<String, NearDuplicateDetected> topic, List<String> deleteTopics,
      int maxPairsPerTenant) {
    this.consumer = consumer;
    this.pairsTopic = topic.name();
    this.pairs = topic.valueSerde().deserializer();
    this.groups = new DuplicateGroups(maxPairsPerTenant);
    this.deleteTopicsMissing = new LinkedHashSet<>(deleteTopics);
    List<TopicPartition> partitions = new ArrayList<>(consumer.partitionsFor(pairsTopic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(pairsTopic, p.partition())).toList());
    partitions.addAll(foundDeletePartitions());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    liveFrom.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    this.thread = Thread.ofPlatform().name("duplicate-feed").daemon(true).unstarted(this::run);
  }

  /** Starts reading the near-duplicates topic and the deletes; the caller closes the feed. */
  public static DuplicateFeed start(LookalikeConfig config, Topic<String, NearDuplicateDetected> topic) {
    return start(config, topic, DEFAULT_MAX_PAIRS_PER_TENANT);
  }

  public static DuplicateFeed start(LookalikeConfig config, Topic<String, NearDuplicateDetected> topic, int maxPairsPerTenant) {
    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.applicationId() + "-duplicate-feed");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), not subscribe()
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<String> deleteTopics = config.vectors().stream()
        .map(v -> Names.changelogTopic(config.applicationId(), Names.deletedStore(v.name()))).toList();
    try {
      DuplicateFeed feed = new DuplicateFeed(consumer, topic, deleteTopics, maxPairsPerTenant);
      feed.thread.start();
      return feed;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  private void run() {
    try {
      while (!closing) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.topic().equals(pairsTopic)) acceptPair(record); else acceptDelete(record);
        }
        if (caughtUp.getCount() > 0 && liveFrom.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp.countDown();
        }
        if (!deleteTopicsMissing.isEmpty() && System.currentTimeMillis() >= nextLookForDeletes) assignNewDeletePartitions();
      }
    } catch (WakeupException e) {
      if (!closing) log.error("duplicate feed woken unexpectedly", e);
    } catch (RuntimeException e) {
      log.error("duplicate feed stopped: the duplicates view and live events are frozen", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Partition 0 of each deleted-store changelog that exists now; those found leave the missing set. */
  private List<TopicPartition> foundDeletePartitions() {
    nextLookForDeletes = System.currentTimeMillis() + LOOK_FOR_DELETES_EVERY.toMillis();
    if (deleteTopicsMissing.isEmpty()) return List.of();
    Set<String> existing;
    try {
      existing = consumer.listTopics(Duration.ofSeconds(10)).keySet();
    } catch (TimeoutException e) { // the broker is away: look again later, as poll() waits for it
      log.debug("could not list topics to find the deleted-store changelogs: {}", e.getMessage());
      return List.of();
    }
    List<TopicPartition> found = new ArrayList<>();
    for (String topic : deleteTopicsMissing) {
      if (existing.contains(topic)) found.add(new TopicPartition(topic, 0));
    }
    found.forEach(p -> deleteTopicsMissing.remove(p.topic()));
    return found;
  }

  private void assignNewDeletePartitions() {
    List<TopicPartition> found = foundDeletePartitions();
    if (found.isEmpty()) return;
    List<TopicPartition> all = new ArrayList<>(consumer.assignment());
    all.addAll(found);
    consumer.assign(all);
    consumer.seekToBeginning(found);
  }

  private void acceptDelete(ConsumerRecord<String, byte[]> record) {
    if (record.key() != null && record.value() != null) groups.delete(record.key(), record.timestamp());
  }

  private void acceptPair(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) return;
    NearDuplicateDetected event;
    try {
      event = pairs.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      log.warn("skipping undecodable near-duplicate event at {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    if (event == null || !groups.addPair(event, record.timestamp())) return; // null: a tombstone; false: an image since deleted
    Long live = liveFrom.get(new TopicPartition(record.topic(), record.partition()));
    if (live != null && record.offset() < live) return; // history, not news
    Set<Consumer<NearDuplicateDetected>> listeners = subscribers.get(event.getTenant());
    if (listeners == null) return;
    for (Consumer<NearDuplicateDetected> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.debug("a live subscriber failed; removing it", e);
        listeners.remove(listener);
      }
    }
  }

  /** The tenant's groups: empty when the tenant has no pairs. */
  public DuplicateGraph.Page groups(String tenant, int offset, int limit, int pairsPerGroup) {
    return groups.page(tenant, offset, limit, pairsPerGroup);
  }

  /** Whether the events present at start have all been read. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean caughtUp() {
    return caughtUp.getCount() == 0;
  }

  /**
   * Calls {@code listener} on the feed's thread for each new event of the tenant: it must not block
   * (queue the event). Returns the unsubscribe action.
   */
  public Runnable subscribe(String tenant, Consumer<NearDuplicateDetected> listener) {
    Set<Consumer<NearDuplicateDetected>> set = subscribers.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet());
    set.add(listener);
    return () -> set.remove(listener);
  }

  public int subscriberCount() {
    return subscribers.values().stream().mapToInt(Set::size).sum();
  }

  @Override
  public void close() {
    closing = true;
    try {
      consumer.wakeup();
    } catch (RuntimeException alreadyClosed) {
      // the thread ended on its own and closed the consumer
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
