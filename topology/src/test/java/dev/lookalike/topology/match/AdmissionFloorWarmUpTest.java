package dev.lookalike.topology.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.internal.DeletedImage;
import dev.lookalike.avro.internal.Neighbor;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.metrics.TopologyMetrics;
import dev.lookalike.topology.store.ExactScanIndex;
import dev.lookalike.topology.store.VectorStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored vector store knows no admission floor; the match stage sets them all from the
 * neighbour lists when it starts, so the first uploads do not each read hundreds of lists.
 */
class AdmissionFloorWarmUpTest {

  @TempDir
  Path stateDir;

  private final VectorConfig vector = LookalikeConfig.of(Map.of()).vector("perceptual");

  @Test
  void startingTheMatchStageSetsTheFloorOfEveryImageWithAList() {
    MockProcessorContext<String, SpecificRecord> context = context();
    VectorStore vectors = new VectorStore(Names.vectorStore(vector.name()), () -> new ExactScanIndex(2));
    KeyValueStore<String, NeighborState> lists = store(context, Names.neighborStore(vector.name()), NeighborState.class);
    store(context, Names.deletedStore(vector.name()), DeletedImage.class);
    context.addStateStore(vectors);
    for (String id : List.of("full", "short", "alone")) vectors.put(key(id), entry(id));
    NeighborState full = state("full", vector.recommendK());
    NeighborState shortList = state("short", 2);
    lists.put("full", full);
    lists.put("short", shortList);
    assertThat(vectors.admissionFloor("full")).as("unknown after a restore").isNull();

    new EmbeddedProcessor(List.of(vector), null, 1, Clock.systemUTC(), 1 << 20, new TopologyMetrics(new SimpleMeterRegistry())).init(context);

    NeighborBook book = new NeighborBook(vector, context, Clock.systemUTC());
    assertThat(vectors.admissionFloor("full")).isNotNull().isEqualTo(book.floor(full)).isGreaterThan(vector.recommendMinScore());
    assertThat(vectors.admissionFloor("short")).isNotNull().isEqualTo(book.floor(shortList)).isEqualTo(vector.recommendMinScore());
    assertThat(vectors.admissionFloor("alone")).as("no list, nothing to know").isNull();
  }

  private MockProcessorContext<String, SpecificRecord> context() {
    Properties props = new Properties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "floors-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
  }

  private static <V extends SpecificRecord> KeyValueStore<String, V> store(MockProcessorContext<String, SpecificRecord> context,
                                                                           String name, Class<V> type) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), AvroBinarySerde.of(type))
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  /** A list of {@code size} neighbours scoring 0.99, 0.98, ...: the last is the floor of a full list. */
  private static NeighborState state(String id, int size) {
    List<Neighbor> neighbors = new ArrayList<>();
    for (int i = 0; i < size; i++) neighbors.add(new Neighbor("n" + i, 0.99f - i * 0.01f, 1L, "h", 1L));
    return NeighborState.newBuilder().setImageId(id).setTenant("t").setUploadedAt(1).setVersion(1)
        .setPendingPartitions(List.of()).setNeighbors(neighbors).setEmittedDuplicates(List.of()).build();
  }

  private static Bytes key(String id) {
    return Bytes.wrap(id.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] entry(String id) {
    VectorEntry entry = VectorEntry.newBuilder().setImageId(id).setTenant("t").setUploadedAt(1).setVersion(1).setContentHash("h")
        .setWidth(1).setHeight(1).setFormat("png").setModel("m").setVector(List.of(1f, 0f)).build();
    return AvroBinarySerde.of(VectorEntry.class).serialize("t", entry);
  }
}
