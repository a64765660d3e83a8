package dev.lookalike.topology.embed;

import dev.lookalike.avro.internal.ContentResult;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Routes a content result back to the partition its upload came from, not by key hash: producers
 * in other languages may partition images.uploaded with another hash function (librdkafka's
 * default is CRC32), and the result must meet the image's status on the same task.
 */
public final class SourcePartitioner implements StreamPartitioner<String, ContentResult> {

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, ContentResult value, int numPartitions) {
    return Optional.of(Set.of(value.getSourcePartition() % numPartitions));
  }
}
