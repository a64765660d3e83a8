package dev.lookalike.topology.store;

import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/** Supplies {@link VectorStore}s; Kafka Streams adds caching-free logging and metering around them. */
public record VectorStoreSupplier(String name, Supplier<VectorIndex> indexFactory, long snapshotIntervalMs)
    implements KeyValueBytesStoreSupplier {

  @Override
  public KeyValueStore<Bytes, byte[]> get() {
    return new VectorStore(name, indexFactory, snapshotIntervalMs);
  }

  @Override
  public String metricsScope() {
    return "lookalike-vectors";
  }
}
