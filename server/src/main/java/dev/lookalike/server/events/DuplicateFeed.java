package dev.lookalike.server.events;

import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.topology.Topic;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of images.near-duplicates from the beginning (read_committed, assigned,
 * no consumer group: every instance reads it all) on one daemon thread, keeps a
 * {@link DuplicateGraph} per tenant and hands each new event to that tenant's live subscribers.
 *
 * <p>Events already in the topic when the feed starts build the graphs but are not sent to
 * subscribers: only events written after start are "live". Memory: see {@link DuplicateGraph};
 * the number of tenants is the number seen in the topic.
 */
public final class DuplicateFeed implements AutoCloseable {

  public static final int DEFAULT_MAX_PAIRS_PER_TENANT = 100_000;
  private static final Logger log = LoggerFactory.getLogger(DuplicateFeed.class);

  private final KafkaConsumer<String, NearDuplicateDetected> consumer;
  private final int maxPairsPerTenant;
  private final Map<String, DuplicateGraph> graphs = new ConcurrentHashMap<>();
  private final Map<String, Set<Consumer<NearDuplicateDetected>>> subscribers = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> liveFrom = new HashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closing;

  private DuplicateFeed(KafkaConsumer<String, NearDuplicateDetected> consumer, String topic, int maxPairsPerTenant) {
    this.consumer = consumer;
    this.maxPairsPerTenant = maxPairsPerTenant;
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    liveFrom.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    this.thread = Thread.ofPlatform().name("duplicate-feed").daemon(true).unstarted(this::run);
  }

  /** Starts reading the near-duplicates topic; the caller closes the feed. */
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
    KafkaConsumer<String, NearDuplicateDetected> consumer =
        new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    try {
      DuplicateFeed feed = new DuplicateFeed(consumer, topic.name(), maxPairsPerTenant);
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
        try {
          for (ConsumerRecord<String, NearDuplicateDetected> record : consumer.poll(Duration.ofMillis(500))) {
            accept(record);
          }
        } catch (RecordDeserializationException e) {
          log.warn("skipping undecodable near-duplicate event at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
        if (caughtUp.getCount() > 0 && liveFrom.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (!closing) log.error("duplicate feed woken unexpectedly", e);
    } catch (RuntimeException e) {
      log.error("duplicate feed stopped: the duplicates view and live events are frozen", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void accept(ConsumerRecord<String, NearDuplicateDetected> record) {
    NearDuplicateDetected event = record.value();
    if (event == null) return;
    graphs.computeIfAbsent(event.getTenant(), t -> new DuplicateGraph(maxPairsPerTenant)).add(event);
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

  /** The tenant's graph: empty when the tenant has no pairs. */
  public DuplicateGraph.Page groups(String tenant, int offset, int limit, int pairsPerGroup) {
    DuplicateGraph graph = graphs.get(tenant);
    return graph == null ? new DuplicateGraph.Page(0, List.of(), 0) : graph.page(offset, limit, pairsPerGroup);
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
