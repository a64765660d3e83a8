package dev.lookalike.bench.load;

import dev.lookalike.avro.internal.Neighbor;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.match.NeighborLists;
import dev.lookalike.topology.store.VectorMath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Pre-stores vectors by writing the match stage's changelogs before the application starts, so
 * Kafka Streams restores them as after any restart (the vector store is in memory: every start
 * replays its changelog), and the measured start-up shows the restore cost. Going through the
 * topology instead costs O(n^2) exact-scan work, which at a million vectors takes days.
 *
 * <p>Each image also gets the neighbour state the topology would hold: its top-k within its
 * cluster, which is its true top-k (cluster mates score ~0.5, others ~0; clusters hold more than
 * k images). Without it every stored image would admit every new upload into its list, and the
 * match step would rewrite all of them per query.
 */
final class ChangelogPreloader {

  private ChangelogPreloader() {}

  /** Bytes written, for the report. */
  record Written(long records, long bytes) {}

  static Written write(EmbeddedKafka kafka, String applicationId, VectorConfig vector, int partitions, Preload preload) {
    String vectors = changelog(applicationId, Names.vectorStore(vector.name()));
    String neighbors = changelog(applicationId, Names.neighborStore(vector.name()));
    for (String topic : List.of(vectors, neighbors)) {
      kafka.createTopic(topic, partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }
    String bootstrap = kafka.bootstrapServers();
    Serializer<VectorEntry> entries = AvroBinarySerde.of(VectorEntry.class).serializer();
    Serializer<NeighborState> states = AvroBinarySerde.of(NeighborState.class).serializer();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long[] totals = new long[2];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      IntStream.range(0, preload.vectors().clusters()).parallel().forEach(cluster -> {
        List<Long> members = preload.members(cluster);
        float[][] memberVectors = members.stream().map(preload::vector).toArray(float[][]::new);
        for (int a = 0; a < members.size(); a++) {
          long index = members.get(a);
          byte[] key = Preload.id(index).getBytes(StandardCharsets.UTF_8);
          int partition = SnapshotPreloader.partitionOf(Preload.id(index), partitions);
          byte[] entry = entries.serialize(vectors, preload.entry(index, memberVectors[a]));
          byte[] state = states.serialize(neighbors, state(preload, vector, members, memberVectors, a));
          producer.send(new ProducerRecord<>(vectors, partition, key, entry), (m, e) -> { if (e != null) failure.set(e); });
          producer.send(new ProducerRecord<>(neighbors, partition, key, state), (m, e) -> { if (e != null) failure.set(e); });
          synchronized (totals) {
            totals[0] += 2;
            totals[1] += 2L * key.length + entry.length + state.length;
          }
        }
      });
      producer.flush();
    }
    if (failure.get() != null) throw new IllegalStateException("writing the changelogs failed", failure.get());
    return new Written(totals[0], totals[1]);
  }

  static String changelog(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  /** The list the topology would have built: best first, ties by id, at most k, at least the minimum score. */
  private static NeighborState state(Preload preload, VectorConfig vector, List<Long> members, float[][] vectors, int a) {
    List<Neighbor> candidates = new ArrayList<>();
    if (vector.recommendK() > 0) {
      for (int b = 0; b < members.size(); b++) {
        if (b == a) continue;
        float score = VectorMath.dot(vectors[a], vectors[b]);
        long other = members.get(b);
        candidates.add(new Neighbor(Preload.id(other), score, preload.uploadedAt(other), Preload.contentHash(Preload.id(other)), 0L));
      }
    }
    List<Neighbor> list = NeighborLists.merge(List.of(), candidates, vector.recommendK(), vector.recommendMinScore());
    long index = members.get(a);
    return NeighborState.newBuilder()
        .setImageId(Preload.id(index)).setTenant(Preload.TENANT).setUploadedAt(preload.uploadedAt(index))
        .setContentHash(Preload.contentHash(Preload.id(index))).setVersion(0)
        .setPendingPartitions(List.of()).setNeighbors(list).setEmittedDuplicates(List.of())
        .setLastEmitted(NeighborLists.ids(list))
        .build();
  }


  private static Map<String, Object> producerProps(String bootstrap) {
    // Not idempotent, one request in flight: order is kept across retries and a duplicate of a
    // key-value is harmless to a restore. (With idempotence, many sending threads and a loaded
    // machine, a run once stalled on OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout.)
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
  }
}
