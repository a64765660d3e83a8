package dev.lookalike.topology.metrics;

import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.Names;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * {@code lookalike.store.vectors{vector}}: images in this instance's vector stores, summed over
 * its active tasks. Polled at scrape time through Kafka Streams, so it follows tasks as they move
 * and never counts standby replicas twice; while stores are unavailable (rebalancing, not started)
 * it reads NaN.
 */
public final class VectorStoreGauges {

  public static final String STORE_VECTORS = "lookalike.store.vectors";

  private VectorStoreGauges() {}

  public static void bind(MeterRegistry meters, KafkaStreams streams, List<VectorConfig> vectors) {
    for (VectorConfig v : vectors) {
      String store = Names.vectorStore(v.name());
      Gauge.builder(STORE_VECTORS, streams, s -> size(s, store))
          .description("Images in this instance's vector stores (active tasks), per named vector")
          .tag("vector", v.name())
          .strongReference(true)
          .register(meters);
    }
  }

  private static double size(KafkaStreams streams, String store) {
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore())).approximateNumEntries();
    } catch (InvalidStateStoreException notNow) {
      return Double.NaN;
    }
  }
}
