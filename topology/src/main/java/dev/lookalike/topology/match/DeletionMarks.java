package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.DeletedImage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One partition's marks of deleted image versions (the {@code deleted-<vector>} store), so that
 * messages still in flight for a deleted image cannot bring it back. Marks are forgotten after
 * the retention, a bounded step at a time: the store is keyed by image id, not by age, so finding
 * the old marks means reading them all, and one pass over millions of marks would stall the
 * stream thread. Each step reads at most {@code step} marks from where the last one stopped.
 */
final class DeletionMarks {

  private final KeyValueStore<String, DeletedImage> store;
  private final Clock clock;
  private String resumeAt; // null: the first key

  DeletionMarks(KeyValueStore<String, DeletedImage> store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** True when this version of the image (or a newer one) was deleted on this partition. */
  boolean isDeleted(String imageId, long version) {
    DeletedImage d = store.get(imageId);
    return d != null && d.getVersion() >= version;
  }

  void mark(String imageId, long version) {
    store.put(imageId, new DeletedImage(version, clock.millis()));
  }

  /**
   * Reads up to {@code step} marks from where the last step stopped (wrapping to the first key
   * after the last) and forgets those made before {@code cutoff} (clock millis); returns how many
   * it forgot. Keys are deleted after the iterator is closed, never under it.
   */
  int forgetStep(long cutoff, int step) {
    List<String> expired = new ArrayList<>();
    String next = null;
    try (KeyValueIterator<String, DeletedImage> marks = store.range(resumeAt, null)) {
      for (int read = 0; marks.hasNext(); read++) {
        KeyValue<String, DeletedImage> kv = marks.next();
        if (read == step) {
          next = kv.key;
          break;
        }
        if (kv.value.getDeletedAt() < cutoff) expired.add(kv.key);
      }
    }
    resumeAt = next;
    expired.forEach(store::delete);
    return expired.size();
  }
}
