package dev.lookalike.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.avro.internal.Thumbnail;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over the whole cluster, so any instance answers any query: key lookups go
 * to the partition's active owner (a standby if the owner does not answer); searches go to every
 * instance that hosts partitions of the store, and their top-k lists merge into the exact global
 * top-k. If any partition cannot answer, the query fails as "not ready" (503): never partial.
 */
public final class ClusterQueries implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterQueries.class);

  private static final ObjectMapper JSON = InternalJson.mapper();

  private final KafkaStreams streams;
  private final LocalQueries local;
  private final PeerClient peers;
  private final HostInfo self;
  private final String partitionTopic;
  private final int partitions;
  private final long timeoutMs;
  private final ExecutorService fanout = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * @param partitionTopic a source topic of the match stage, whose partitions number the stores
   */
  public ClusterQueries(KafkaStreams streams, PeerClient peers, HostInfo self, String partitionTopic, int partitions,
                        long timeoutMs) {
    this.streams = streams;
    this.local = new LocalQueries(streams);
    this.peers = peers;
    this.self = self;
    this.partitionTopic = partitionTopic;
    this.partitions = partitions;
    this.timeoutMs = timeoutMs;
  }

  public LocalQueries local() {
    return local;
  }

  public Optional<VectorEntry> image(String vectorName, String imageId) {
    return lookup(Names.vectorStore(vectorName), imageId, VectorEntry.class);
  }

  public Optional<ImageStatus> status(String imageId) {
    return lookup(Names.IMAGE_STATUS_STORE, imageId, ImageStatus.class);
  }

  /** The thumbnail of a distinct content, from the content stage's store (partitioned by content hash). */
  public Optional<Thumbnail> thumbnail(String contentHash) {
    return lookup(Names.CONTENT_THUMBNAILS_STORE, contentHash, Thumbnail.class);
  }

  private <V extends SpecificRecord> Optional<V> lookup(String store, String key, Class<V> type) {
    KeyQueryMetadata meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) throw new NotReadyException("no owner for '" + key + "' yet");
    List<HostInfo> candidates = new ArrayList<>(List.of(meta.activeHost()));
    candidates.addAll(meta.standbyHosts());
    NotReadyException last = null;
    for (HostInfo host : candidates) {
      boolean active = host.equals(meta.activeHost());
      try {
        if (host.equals(self)) return local.lookup(store, key, meta.partition(), active);
        Optional<byte[]> bytes = peers.get(host, "/internal/v1/stores/" + store + "/keys/" + encode(key)
            + "?partition=" + meta.partition() + "&active=" + active);
        return bytes.map(b -> AvroBinarySerde.of(type).deserialize(store, b));
      } catch (NotReadyException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The exact top-k over every partition of the vector store, wherever they live. */
  public List<ScoredImage> search(String vectorName, float[] vector, SearchFilter filter, int k) {
    String store = Names.vectorStore(vectorName);
    Map<HostInfo, Set<Integer>> plan = plan(store);
    Map<HostInfo, Future<List<ScoredImage>>> answers = new HashMap<>();
    plan.forEach((host, parts) -> answers.put(host, fanout.submit(() -> host.equals(self)
        ? local.search(store, vector, filter, k, parts)
        : remoteSearch(host, new KnnRequest(store, vector, filter, k, parts)))));
    List<ScoredImage> all = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (Map.Entry<HostInfo, Future<List<ScoredImage>>> answer : answers.entrySet()) {
      all.addAll(await(answer.getKey(), answer.getValue(), deadline));
    }
    return TopK.of(all, k);
  }

  /** Which instance answers for which partitions; every partition must have an active owner. */
  private Map<HostInfo, Set<Integer>> plan(String store) {
    Map<HostInfo, Set<Integer>> plan = new HashMap<>();
    Set<Integer> covered = new HashSet<>();
    for (StreamsMetadata instance : streams.streamsMetadataForStore(store)) {
      Set<Integer> parts = new LinkedHashSet<>();
      instance.topicPartitions().stream().filter(tp -> tp.topic().equals(partitionTopic)).forEach(tp -> parts.add(tp.partition()));
      if (!parts.isEmpty()) plan.put(instance.hostInfo(), parts);
      covered.addAll(parts);
    }
    if (covered.size() < partitions) {
      throw new NotReadyException("only " + covered.size() + " of " + partitions + " partitions have an owner (rebalancing)");
    }
    return plan;
  }

  private List<ScoredImage> remoteSearch(HostInfo host, KnnRequest request) throws IOException {
    byte[] body = peers.post(host, "/internal/v1/knn", JSON.writeValueAsBytes(request));
    return JSON.readValue(body, KnnRequest.Response.class).hits();
  }

  private static List<ScoredImage> await(HostInfo host, Future<List<ScoredImage>> answer, long deadline) {
    try {
      return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      log.info("instance {}:{} did not answer in time", host.host(), host.port());
      throw new NotReadyException("another instance did not answer in time");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotReadyException notReady) throw notReady;
      log.warn("instance {}:{} failed", host.host(), host.port(), e.getCause());
      throw new NotReadyException("another instance failed: " + e.getCause().getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotReadyException("interrupted");
    }
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    fanout.shutdownNow();
  }
}
