package dev.lookalike.server.cli;

import dev.lookalike.avro.DeadLetter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The last offset of every key in the source partitions of some dead letters, read from just
 * after the earliest of them to the partitions' ends. A dead letter whose key has a later event
 * in its partition is superseded: the image was uploaded again or deleted since it failed, and
 * replaying the old upload would bring back an older image, or one its owner deleted. An image's
 * events all share a partition (they are keyed by its id), so its own partition is enough.
 */
final class LaterEvents {

  private static final Duration POLL = Duration.ofMillis(500);

  private final Map<TopicPartition, Map<String, Long>> lastOffsets;

  private LaterEvents(Map<TopicPartition, Map<String, Long>> lastOffsets) {
    this.lastOffsets = lastOffsets;
  }

  /**
   * Reads each partition from after its given offset to its end as it is now; values are skipped.
   *
   * @param consumerProps connection settings (the deserializers and the group are set here)
   */
  static LaterEvents scan(Properties consumerProps, Map<TopicPartition, Long> after, long deadlineNanos) {
    Map<TopicPartition, Map<String, Long>> lastOffsets = new HashMap<>();
    if (after.isEmpty()) return new LaterEvents(lastOffsets);
    try (KafkaConsumer<String, Void> consumer = new KafkaConsumer<>(props(consumerProps), new StringDeserializer(), ignoreValues())) {
      Map<String, List<PartitionInfo>> topics = new HashMap<>(); // one metadata request per topic
      List<TopicPartition> partitions = after.keySet().stream()
          .filter(tp -> topics.computeIfAbsent(tp.topic(), t -> Objects.requireNonNullElse(consumer.partitionsFor(t), List.of()))
              .stream().anyMatch(p -> p.partition() == tp.partition()))
          .toList();
      consumer.assign(partitions);
      partitions.forEach(tp -> consumer.seek(tp, after.get(tp) + 1));
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadlineNanos) throw new IllegalStateException("timed out reading the dead letters' source topics for later events");
        for (ConsumerRecord<String, Void> record : consumer.poll(POLL)) {
          if (record.key() == null) continue;
          lastOffsets.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new HashMap<>())
              .merge(record.key(), record.offset(), Math::max);
        }
      }
    }
    return new LaterEvents(lastOffsets);
  }

  /** Whether the dead letter's key had an event after the letter's own in its source partition. */
  boolean supersede(DeadLetter letter) {
    if (letter.getKey() == null) return false;
    Map<String, Long> keys = lastOffsets.get(sourceOf(letter));
    Long last = keys == null ? null : keys.get(letter.getKey());
    return last != null && last > letter.getSourceOffset();
  }

  static TopicPartition sourceOf(DeadLetter letter) {
    return new TopicPartition(letter.getSourceTopic(), letter.getSourcePartition());
  }

  private static Properties props(Properties base) {
    Properties props = new Properties();
    props.putAll(base);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no offsets of its own
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return props;
  }

  /** Uploads can hold whole images; only keys and offsets matter here. */
  private static Deserializer<Void> ignoreValues() {
    return (topic, data) -> null;
  }
}
