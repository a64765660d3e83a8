package dev.lookalike.topology;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.internal.ContentCacheEntry;
import dev.lookalike.avro.internal.DeletedImage;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.Thumbnail;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.deadletter.DeadLetters;
import dev.lookalike.topology.embed.ContentProcessor;
import dev.lookalike.topology.embed.ContentResultProcessor;
import dev.lookalike.topology.embed.SourcePartitioner;
import dev.lookalike.topology.embed.UploadProcessor;
import dev.lookalike.topology.match.EmbeddedProcessor;
import dev.lookalike.topology.match.MatchProcessor;
import dev.lookalike.topology.match.MulticastPartitioner;
import dev.lookalike.topology.match.PartialsProcessor;
import dev.lookalike.topology.deadletter.ErrorCodes;
import dev.lookalike.topology.metrics.TopologyMetrics;
import dev.lookalike.topology.store.VectorIndexes;
import dev.lookalike.topology.store.VectorStoreSupplier;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole Lookalike topology, as a pure factory: no clients, no threads, so tests run exactly
 * what production runs.
 *
 * <pre>
 * images.uploaded --&gt; upload-processor --(by content hash)--&gt; content-processor
 *                          ^   [image-status]           [content-cache, content-thumbnails]
 *                          |                                            |
 *   content-result-processor &lt;------(back to the upload's partition)---+
 *         |
 *         v
 * images.embedded --&gt; embedded-processor --(multicast QUERY/DELETE)--&gt; match-processor (every other partition)
 *                     (searches its own partition inline)
 *                     [vectors-*, neighbors-*, deleted-*]                    |
 *                                                                          (by image id)
 *                                                                            v
 *                       images.near-duplicates, images.recommendations &lt;-- partials-processor
 * </pre>
 */
public final class LookalikeTopology {

  private LookalikeTopology() {}

  /**
   * @param matchPartitions partitions of images.embedded and the match topics: how many answers
   *     each QUERY waits for
   */
  public static Topology build(LookalikeConfig config, Topics topics, TopologyServices services, int matchPartitions) {
    checkEmbedders(config, services);
    TopologyMetrics metrics = new TopologyMetrics(services.meters());
    metrics.knownDeadLetterReasons(ErrorCodes.all());
    Topology topology = new Topology();
    addEmbedStage(topology, config, topics, services, matchPartitions, metrics);
    addMatchStage(topology, config, topics, services, matchPartitions, metrics);
    addSinks(topology, topics, metrics);
    return topology;
  }

  private static void checkEmbedders(LookalikeConfig config, TopologyServices services) {
    Map<String, ?> embedders = services.embeddersByName();
    for (VectorConfig v : config.vectors()) {
      if (!embedders.containsKey(v.name())) {
        throw new IllegalArgumentException("no embedder for named vector '" + v.name() + "'");
      }
    }
  }

  private static void addEmbedStage(Topology topology, LookalikeConfig config, Topics topics, TopologyServices services,
                                    int partitions, TopologyMetrics metrics) {
    Deserializer<ImageUploaded> uploads = topics.uploaded().valueSerde().deserializer();
    int deadLetterLimit = DeadLetters.recordLimit(config);
    Counter misplaced = metrics.misplacedUploads(); // registered now: a series at 0 from the start, for alerts
    topology.addSource(Names.UPLOADS_SOURCE, new ByteArrayDeserializer(), in(metrics, topics.uploaded(), new ByteArrayDeserializer()),
        topics.uploaded().name());
    topology.addProcessor(Names.UPLOAD_PROCESSOR, () -> new UploadProcessor(services, uploads, config.imageMaxBytes(), deadLetterLimit,
        partitions, misplaced), Names.UPLOADS_SOURCE);
    topology.addSource(Names.CONTENT_RESULTS_SOURCE, new StringDeserializer(), in(metrics, topics.contentResults()),
        topics.contentResults().name());
    topology.addProcessor(Names.CONTENT_RESULT_PROCESSOR, () -> new ContentResultProcessor(services, deadLetterLimit), Names.CONTENT_RESULTS_SOURCE);
    topology.addStateStore(keyValueStore(Names.IMAGE_STATUS_STORE, ImageStatus.class), Names.UPLOAD_PROCESSOR, Names.CONTENT_RESULT_PROCESSOR);

    topology.addSource(Names.CONTENT_REQUESTS_SOURCE, new StringDeserializer(), in(metrics, topics.contentRequests()),
        topics.contentRequests().name());
    topology.addProcessor(Names.CONTENT_PROCESSOR, () -> new ContentProcessor(services, uploads, metrics, deadLetterLimit), Names.CONTENT_REQUESTS_SOURCE);
    topology.addStateStore(keyValueStore(Names.CONTENT_CACHE_STORE, ContentCacheEntry.class), Names.CONTENT_PROCESSOR);
    topology.addStateStore(keyValueStore(Names.CONTENT_THUMBNAILS_STORE, Thumbnail.class), Names.CONTENT_PROCESSOR);
  }

  private static void addMatchStage(Topology topology, LookalikeConfig config, Topics topics, TopologyServices services,
                                    int matchPartitions, TopologyMetrics metrics) {
    List<VectorConfig> vectors = config.vectors();
    Deserializer<ImageEmbedded> embedded = topics.embedded().valueSerde().deserializer();
    topology.addSource(Names.EMBEDDED_SOURCE, new StringDeserializer(), in(metrics, topics.embedded(), new ByteArrayDeserializer()),
        topics.embedded().name());
    topology.addProcessor(Names.EMBEDDED_PROCESSOR,
        () -> new EmbeddedProcessor(vectors, embedded, matchPartitions, services.clock(), DeadLetters.recordLimit(config), metrics),
        Names.EMBEDDED_SOURCE);
    topology.addSource(Names.MATCH_SOURCE, new StringDeserializer(), in(metrics, topics.match()), topics.match().name());
    topology.addProcessor(Names.MATCH_PROCESSOR, () -> new MatchProcessor(vectors, services.clock(), config.matchDeletedRetentionMs(), metrics), Names.MATCH_SOURCE);
    topology.addSource(Names.PARTIALS_SOURCE, new StringDeserializer(), in(metrics, topics.matchPartials()),
        topics.matchPartials().name());
    topology.addProcessor(Names.PARTIALS_PROCESSOR, () -> new PartialsProcessor(vectors, services.clock()), Names.PARTIALS_SOURCE);

    String[] matchProcessors = {Names.EMBEDDED_PROCESSOR, Names.MATCH_PROCESSOR, Names.PARTIALS_PROCESSOR};
    Map<String, Integer> dims = new java.util.HashMap<>();
    services.embedders().forEach(e -> dims.put(e.name(), knownDimensions(e)));
    for (VectorConfig v : vectors) {
      int d = dims.get(v.name());
      topology.addStateStore(Stores.keyValueStoreBuilder(
              new VectorStoreSupplier(Names.vectorStore(v.name()), VectorIndexes.forConfig(v, d), v.indexSnapshotIntervalMs()),
              Serdes.String(), AvroBinarySerde.of(VectorEntry.class))
          .withLoggingEnabled(Map.of())
          .withCachingDisabled(), matchProcessors);
      topology.addStateStore(keyValueStore(Names.neighborStore(v.name()), NeighborState.class), matchProcessors);
      topology.addStateStore(keyValueStore(Names.deletedStore(v.name()), DeletedImage.class), matchProcessors);
    }
  }

  /** The topic's value deserializer, counting records in ({@code lookalike_events_in_total}). */
  private static <V> Deserializer<V> in(TopologyMetrics metrics, Topic<?, V> topic) {
    return in(metrics, topic, topic.valueSerde().deserializer());
  }

  private static <V> Deserializer<V> in(TopologyMetrics metrics, Topic<?, ?> topic, Deserializer<V> deserializer) {
    return metrics.countingIn(topic.name(), deserializer);
  }

  /** The topic's value serializer, counting records out ({@code lookalike_events_out_total}). */
  private static <V> org.apache.kafka.common.serialization.Serializer<V> out(TopologyMetrics metrics, Topic<?, V> topic) {
    return metrics.countingOut(topic.name(), topic.valueSerde().serializer());
  }

  private static void addSinks(Topology topology, Topics topics, TopologyMetrics metrics) {
    StringSerializer keys = new StringSerializer();
    topology.addSink(Names.CONTENT_REQUESTS_SINK, topics.contentRequests().name(), keys,
        out(metrics, topics.contentRequests()), Names.UPLOAD_PROCESSOR);
    topology.addSink(Names.CONTENT_RESULTS_SINK, topics.contentResults().name(), keys,
        out(metrics, topics.contentResults()), new SourcePartitioner(), Names.CONTENT_PROCESSOR);
    topology.addSink(Names.EMBEDDED_SINK, topics.embedded().name(), keys, out(metrics, topics.embedded()),
        Names.UPLOAD_PROCESSOR, Names.CONTENT_RESULT_PROCESSOR);
    topology.addSink(Names.MATCH_SINK, topics.match().name(), keys, out(metrics, topics.match()),
        new MulticastPartitioner(), Names.EMBEDDED_PROCESSOR, Names.MATCH_PROCESSOR);
    topology.addSink(Names.PARTIALS_SINK, topics.matchPartials().name(), keys, out(metrics, topics.matchPartials()),
        Names.MATCH_PROCESSOR);
    topology.addSink(Names.NEAR_DUPLICATES_SINK, topics.nearDuplicates().name(), keys,
        out(metrics, topics.nearDuplicates()), Names.EMBEDDED_PROCESSOR, Names.MATCH_PROCESSOR, Names.PARTIALS_PROCESSOR);
    topology.addSink(Names.RECOMMENDATIONS_SINK, topics.recommendations().name(), keys,
        out(metrics, topics.recommendations()), Names.EMBEDDED_PROCESSOR, Names.MATCH_PROCESSOR, Names.PARTIALS_PROCESSOR);
    topology.addSink(Names.DEAD_LETTER_SINK, topics.deadLetter().name(), keys, metrics.countingDeadLetters(topics.deadLetter().name(), topics.deadLetter().valueSerde().serializer()),
        Names.UPLOAD_PROCESSOR, Names.CONTENT_RESULT_PROCESSOR, Names.EMBEDDED_PROCESSOR);
  }

  /** Hosted APIs may learn their dimension from the first answer: 0 lets the index learn it too. */
  private static int knownDimensions(dev.lookalike.embedding.Embedder embedder) {
    try {
      return embedder.dimensions();
    } catch (IllegalStateException notYetKnown) {
      return 0;
    }
  }

  private static <V extends SpecificRecord> StoreBuilder<?> keyValueStore(String name, Class<V> type) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), AvroBinarySerde.of(type))
        .withLoggingEnabled(Map.of());
  }

  /** Every state store name, for interactive queries and operations. */
  public static List<String> storeNames(LookalikeConfig config) {
    List<String> names = new ArrayList<>(List.of(Names.IMAGE_STATUS_STORE, Names.CONTENT_CACHE_STORE, Names.CONTENT_THUMBNAILS_STORE));
    for (VectorConfig v : config.vectors()) {
      names.add(Names.vectorStore(v.name()));
      names.add(Names.neighborStore(v.name()));
      names.add(Names.deletedStore(v.name()));
    }
    return names;
  }
}
