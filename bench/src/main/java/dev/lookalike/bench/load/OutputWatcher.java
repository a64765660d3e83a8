package dev.lookalike.bench.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one output topic with read_committed from its beginning, on a thread of its own, and
 * remembers when each key (as {@code keyOf} names it) was first seen, in System.nanoTime: what
 * a consumer of the service would see, commit latency included. Polls with a short fetch wait
 * so the time seen is the time the records became readable, not a poll interval later. It also
 * keeps each key's record timestamp: on a topic with {@code LogAppendTime}, when the broker
 * appended it, which for a transactional producer is before the commit made it readable.
 */
final class OutputWatcher implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final Function<ConsumerRecord<String, byte[]>, String> keyOf;
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final Map<String, Long> timestamps = new ConcurrentHashMap<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong lastSeen = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  private OutputWatcher(String bootstrap, String topic, Function<ConsumerRecord<String, byte[]>, String> keyOf) {
    this.keyOf = keyOf;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::run, "watch-" + topic);
    this.thread.setDaemon(true);
  }

  static OutputWatcher start(String bootstrap, String topic, Function<ConsumerRecord<String, byte[]>, String> keyOf) {
    OutputWatcher watcher = new OutputWatcher(bootstrap, topic, keyOf);
    watcher.thread.start();
    return watcher;
  }

  private void run() {
    try {
      while (running) {
        var batch = consumer.poll(Duration.ofMillis(20));
        if (batch.isEmpty()) continue;
        long now = System.nanoTime();
        for (ConsumerRecord<String, byte[]> r : batch) {
          String key = keyOf.apply(r);
          if (key != null && firstSeen.putIfAbsent(key, now) == null) timestamps.put(key, r.timestamp());
        }
        records.addAndGet(batch.count());
        lastSeen.set(now);
      }
    } catch (WakeupException closing) {
      // close() woke us
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** System.nanoTime when the key was first read, or null. */
  Long firstSeen(String key) {
    return firstSeen.get(key);
  }

  /** The record timestamp (epoch ms) of the key's first record, or null. */
  Long timestamp(String key) {
    return timestamps.get(key);
  }

  Map<String, Long> seen() {
    check();
    return firstSeen;
  }

  long records() {
    check();
    return records.get();
  }

  long lastSeenNanos() {
    return lastSeen.get();
  }

  private void check() {
    if (failure != null) throw new IllegalStateException("output watcher failed", failure);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(5));
  }
}
