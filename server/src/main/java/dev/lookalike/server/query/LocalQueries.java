package dev.lookalike.server.query;

import dev.lookalike.topology.store.KnnQuery;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * IQv2 queries against this instance's own state stores. A partition that cannot answer
 * (not hosted here, restoring, moving) makes the call fail as "not ready", never partial.
 */
public final class LocalQueries {

  private final KafkaStreams streams;

  public LocalQueries(KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * @param requireActive false to accept a standby replica's (possibly slightly stale) copy
   */
  public <V> Optional<V> lookup(String store, String key, int partition, boolean requireActive) {
    StateQueryRequest<V> request = StateQueryRequest.inStore(store)
        .withQuery(KeyQuery.<String, V>withKey(key))
        .withPartitions(Set.of(partition));
    StateQueryResult<V> result = streams.query(requireActive ? request.requireActive() : request);
    QueryResult<V> answer = result.getPartitionResults().get(partition);
    if (answer == null || answer.isFailure()) {
      throw new NotReadyException("partition " + partition + " of " + store + " cannot answer here now: " + reason(answer));
    }
    return Optional.ofNullable(answer.getResult());
  }

  /** The k best hits over the given partitions of a vector store, best first. */
  public List<ScoredImage> search(String store, float[] vector, SearchFilter filter, int k, Set<Integer> partitions) {
    StateQueryResult<List<ScoredImage>> result = streams.query(StateQueryRequest.inStore(store)
        .withQuery(new KnnQuery(vector, filter, k))
        .withPartitions(partitions)
        .requireActive());
    List<ScoredImage> merged = new ArrayList<>();
    for (Integer partition : partitions) {
      QueryResult<List<ScoredImage>> answer = result.getPartitionResults().get(partition);
      if (answer == null || answer.isFailure()) {
        throw new NotReadyException("partition " + partition + " of " + store + " cannot answer here now: " + reason(answer));
      }
      merged.addAll(answer.getResult());
    }
    return TopK.of(merged, k);
  }

  private static String reason(QueryResult<?> answer) {
    return answer == null ? "no result" : answer.getFailureReason() + " " + answer.getFailureMessage();
  }
}
