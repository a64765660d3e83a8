package dev.lookalike.server.query;

import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.KnnQuery;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * Interactive queries over the live state with IQv2: key lookups on the owning partition, k-NN
 * searches on every partition merged into the global top-k. A partition that cannot answer right
 * now (rebalance, restore) makes the whole query "not ready" rather than silently partial.
 */
public final class ImageQueries {

  private final KafkaStreams streams;
  private final LookalikeConfig config;
  private final Set<Integer> allPartitions;

  public ImageQueries(KafkaStreams streams, LookalikeConfig config, int partitions) {
    this.streams = streams;
    this.config = config;
    this.allPartitions = IntStream.range(0, partitions).boxed().collect(Collectors.toUnmodifiableSet());
  }

  public Optional<VectorEntry> image(String vectorName, String imageId) {
    return lookup(Names.vectorStore(vectorName), imageId);
  }

  public Optional<ImageStatus> status(String imageId) {
    return lookup(Names.IMAGE_STATUS_STORE, imageId);
  }

  private <V> Optional<V> lookup(String store, String key) {
    KeyQueryMetadata meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) throw new NotReadyException("no owner for the key yet");
    StateQueryResult<V> result = streams.query(StateQueryRequest.inStore(store)
        .withQuery(KeyQuery.<String, V>withKey(key))
        .withPartitions(Set.of(meta.partition()))
        .requireActive());
    QueryResult<V> partition = result.getPartitionResults().get(meta.partition());
    if (partition == null || partition.isFailure()) {
      throw new NotReadyException("partition " + meta.partition() + " of " + store + " is not available here: "
          + (partition == null ? "no result" : partition.getFailureReason() + " " + partition.getFailureMessage()));
    }
    return Optional.ofNullable(partition.getResult());
  }

  /** The k best images for a vector, over every partition. */
  public List<ScoredImage> search(String vectorName, float[] vector, SearchFilter filter, int k) {
    StateQueryResult<List<ScoredImage>> result = streams.query(StateQueryRequest.inStore(Names.vectorStore(vectorName))
        .withQuery(new KnnQuery(vector, filter, k))
        .withPartitions(allPartitions)
        .requireActive());
    List<ScoredImage> merged = new ArrayList<>();
    for (Integer partition : allPartitions) {
      QueryResult<List<ScoredImage>> r = result.getPartitionResults().get(partition);
      if (r == null || r.isFailure()) {
        throw new NotReadyException("partition " + partition + " cannot answer now: "
            + (r == null ? "no result" : r.getFailureReason() + " " + r.getFailureMessage()));
      }
      merged.addAll(r.getResult());
    }
    merged.sort(ScoredImage.BEST_FIRST);
    return merged.size() <= k ? merged : merged.subList(0, k);
  }

  public LookalikeConfig config() {
    return config;
  }

  public Map<String, Object> describe() {
    return Map.of("partitions", allPartitions.size(), "state", streams.state().toString());
  }
}
