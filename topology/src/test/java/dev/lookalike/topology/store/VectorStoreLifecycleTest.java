package dev.lookalike.topology.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.serde.AvroBinarySerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * After a dirty close (an aborted transaction) Kafka Streams re-initialises the same store object
 * and restores it from the changelog: nothing written in the aborted transaction may survive.
 */
class VectorStoreLifecycleTest {

  @Test
  void closingForgetsEverythingSoARestoreStartsClean() {
    VectorStore store = new VectorStore("vectors-test", () -> new ExactScanIndex(2));
    VectorEntry entry = VectorEntry.newBuilder().setImageId("x").setTenant("t").setUploadedAt(1).setVersion(1).setContentHash("h")
        .setWidth(1).setHeight(1).setFormat("png").setModel("m").setVector(List.of(1f, 0f)).build();
    store.put(Bytes.wrap("x".getBytes(StandardCharsets.UTF_8)), AvroBinarySerde.of(VectorEntry.class).serialize("t", entry));
    store.setAdmissionFloor("x", 0.9f);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.admissionFloor("x")).isEqualTo(0.9f);

    store.close();

    assertThat(store.size()).isZero();
    assertThat(store.get(Bytes.wrap("x".getBytes(StandardCharsets.UTF_8)))).isNull();
    assertThat(store.admissionFloor("x")).isNull();
    TopKCollector hits = new TopKCollector(5, -1f);
    store.search(new float[] {1f, 0f}, SearchFilter.tenant("t"), KnnRequest.EVERYTHING, hits);
    assertThat(hits.results()).isEmpty();
  }
}
