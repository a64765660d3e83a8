package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends match messages to every partition: each partition searches its share of vectors. A QUERY
 * skips the image's home partition, which the embedded processor has already searched inline.
 */
public final class MulticastPartitioner implements StreamPartitioner<String, MatchMessage> {

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, MatchMessage value, int numPartitions) {
    int skipped = value.getType() == MatchType.QUERY ? home(key, numPartitions) : -1;
    return Optional.of(IntStream.range(0, numPartitions).filter(p -> p != skipped).boxed().collect(Collectors.toUnmodifiableSet()));
  }

  /** The partition of an image-keyed record under Kafka's default partitioner: where images.embedded has it. */
  static int home(String key, int numPartitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }
}
