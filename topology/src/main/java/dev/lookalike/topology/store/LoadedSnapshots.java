package dev.lookalike.topology.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;

/**
 * Snapshots a store loaded and was closed on before anything changed them, held briefly for the
 * store's next opening. Kafka Streams opens the stores of the task directories it finds at start
 * (its start-up tasks), closes them, and opens them again when the tasks are assigned: without
 * this, every snapshot was read and its graph rebuilt twice per start (seconds per million vectors).
 * A held snapshot is taken only while its file is unchanged, and dropped after {@link #HOLD_SECONDS}
 * so a task assigned elsewhere does not keep its graph in this heap.
 */
final class LoadedSnapshots {

  static final long HOLD_SECONDS = 60;

  /** What a store holds right after loading a snapshot, before any changelog record. */
  record Loaded(NavigableMap<Bytes, byte[]> entries, Map<String, String> tenants, VectorIndex index,
                Map<Bytes, byte[]> unconfirmed, int count) {}

  private record Held(Loaded loaded, long size, FileTime modified, Object fileKey) {}

  private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

  private LoadedSnapshots() {}

  /** Keeps {@code loaded}, the content of {@code file} as it is now, for the next {@link #take}. */
  static void hold(Path file, Loaded loaded) {
    BasicFileAttributes attributes = attributes(file);
    if (attributes == null) return;
    Held held = new Held(loaded, attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
    HELD.put(file, held);
    CompletableFuture.delayedExecutor(HOLD_SECONDS, TimeUnit.SECONDS).execute(() -> HELD.remove(file, held));
  }

  /** The snapshot held for {@code file} if the file has not changed since, else null. */
  static Loaded take(Path file) {
    Held held = HELD.remove(file);
    if (held == null) return null;
    BasicFileAttributes now = attributes(file);
    // A new snapshot is written beside the old and renamed over it: another file key (inode) as well as another time.
    boolean unchanged = now != null && now.size() == held.size() && now.lastModifiedTime().equals(held.modified())
        && Objects.equals(now.fileKey(), held.fileKey());
    return unchanged ? held.loaded() : null;
  }

  private static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }
}
