package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchMessage;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Sends every match message to every partition: each partition searches its share of vectors. */
public final class MulticastPartitioner implements StreamPartitioner<String, MatchMessage> {

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, MatchMessage value, int numPartitions) {
    return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
  }
}
