package dev.lookalike.topology;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.internal.ContentRequest;
import dev.lookalike.avro.internal.ContentResult;
import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.TopicNames;
import dev.lookalike.registry.SchemaRegistryClient;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.serde.ConfluentAvroSerde;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic the service touches, with its serdes, built once from the configuration.
 *
 * <p>External topics speak the Confluent wire format through the schema registry. Internal
 * topics (prefixed with the application id) carry plain Avro binary: only this service reads them.
 */
public record Topics(
    Topic<String, ImageUploaded> uploaded,
    Topic<String, ImageEmbedded> embedded,
    Topic<String, NearDuplicateDetected> nearDuplicates,
    Topic<String, Recommendations> recommendations,
    Topic<String, DeadLetter> deadLetter,
    Topic<String, ContentRequest> contentRequests,
    Topic<String, ContentResult> contentResults,
    Topic<String, MatchMessage> match,
    Topic<String, MatchPartial> matchPartials) {

  public static Topics create(LookalikeConfig config, SchemaRegistryClient registry) {
    TopicNames names = config.topicNames();
    boolean autoRegister = config.autoRegisterSchemas();
    String prefix = config.applicationId() + "-";
    return new Topics(
        external(names.uploaded(), registry, ImageUploaded.class, autoRegister),
        external(names.embedded(), registry, ImageEmbedded.class, autoRegister),
        external(names.nearDuplicates(), registry, NearDuplicateDetected.class, autoRegister),
        external(names.recommendations(), registry, Recommendations.class, autoRegister),
        external(names.deadLetter(), registry, DeadLetter.class, autoRegister),
        internal(prefix + "content-requests", ContentRequest.class),
        internal(prefix + "content-results", ContentResult.class),
        internal(prefix + "match", MatchMessage.class),
        internal(prefix + "match-partials", MatchPartial.class));
  }

  private static <V extends SpecificRecord> Topic<String, V> external(
      String name, SchemaRegistryClient registry, Class<V> type, boolean autoRegister) {
    return new Topic<>(name, Serdes.String(), new ConfluentAvroSerde<>(registry, type, false, autoRegister));
  }

  private static <V extends SpecificRecord> Topic<String, V> internal(String name, Class<V> type) {
    Serde<V> serde = AvroBinarySerde.of(type);
    return new Topic<>(name, Serdes.String(), serde);
  }

  /** Topics partitioned by image id; they must all have the same partition count. */
  public List<String> partitionedByImage() {
    return List.of(uploaded.name(), embedded.name(), contentResults.name(), match.name(), matchPartials.name());
  }

  /** Compacted topics: the latest value per key is the state. */
  public List<String> compacted() {
    return List.of(embedded.name(), recommendations.name());
  }

  public List<String> all() {
    return List.of(uploaded.name(), embedded.name(), nearDuplicates.name(), recommendations.name(), deadLetter.name(),
        contentRequests.name(), contentResults.name(), match.name(), matchPartials.name());
  }
}
