package dev.lookalike.topology.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.internal.DeletedImage;
import dev.lookalike.serde.AvroBinarySerde;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The purge of deletion marks reads a bounded step at a time and still reaches every old mark. */
class DeletionMarksTest {

  private static final long OLD = 1_000, NEW = 5_000, CUTOFF = 2_000;

  private KeyValueStore<String, DeletedImage> store;

  @BeforeEach
  void store() {
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("deleted-test"), Serdes.String(),
        AvroBinarySerde.of(DeletedImage.class)).withLoggingDisabled().build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  @Test
  void aMarkHidesItsVersionAndOlderOnesNotNewerOnes() {
    DeletionMarks marks = new DeletionMarks(store, Clock.fixed(Instant.ofEpochMilli(OLD), ZoneOffset.UTC));
    marks.mark("a", 3);
    assertThat(marks.isDeleted("a", 2)).isTrue();
    assertThat(marks.isDeleted("a", 3)).isTrue();
    assertThat(marks.isDeleted("a", 4)).as("uploaded again after the delete").isFalse();
    assertThat(marks.isDeleted("b", 1)).isFalse();
  }

  @Test
  void stepsOfAFewMarksForgetEveryOldMarkAndKeepTheRest() {
    for (int i = 0; i < 25; i++) store.put(String.format("id-%02d", i), new DeletedImage(1L, i % 2 == 0 ? OLD : NEW));
    DeletionMarks marks = new DeletionMarks(store, Clock.systemUTC());

    assertThat(marks.forgetStep(CUTOFF, 4)).as("the first 4 keys: 2 old").isEqualTo(2);
    assertThat(keys()).hasSize(23);
    int forgotten = 2;
    for (int step = 0; step < 6; step++) forgotten += marks.forgetStep(CUTOFF, 4);

    assertThat(forgotten).isEqualTo(13);
    assertThat(keys()).hasSize(12).allSatisfy(key -> assertThat(store.get(key).getDeletedAt()).isEqualTo(NEW));
    assertThat(marks.forgetStep(CUTOFF, 4)).as("wrapped around: nothing old left").isZero();
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, DeletedImage> all = store.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }
}
