package dev.lookalike.topology.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the vector snapshots of tasks that have left this instance. Snapshots live beside the
 * task directories (see {@link VectorStore#snapshotFile}), so Kafka Streams' own cleaner, which
 * deletes the directory of a task gone for {@code state.cleanup.delay.ms}, leaves them behind: a
 * few GB per moved task at a million vectors. A snapshot goes when its task directory is gone
 * and it has not been written for {@code grace}; a task that comes back rebuilds from its
 * changelog, as its RocksDB stores do after Kafka's cleaner. Only for an instance whose tasks are
 * all initialized (RUNNING), where an assigned task has its directory; the one exception, the
 * moment a corrupted task's directory is wiped and made again, can cost that task a rebuild from
 * its changelog, never data.
 */
public final class OrphanSnapshots {

  private static final Logger log = LoggerFactory.getLogger(OrphanSnapshots.class);

  private OrphanSnapshots() {}

  /** In {@code appStateDir} (state.dir/application.id); returns the task snapshot directories deleted. */
  public static List<String> delete(Path appStateDir, Duration grace, Clock clock) {
    Path root = appStateDir.resolve(VectorStore.SNAPSHOT_DIR);
    List<String> deleted = new ArrayList<>();
    if (!Files.isDirectory(root)) return deleted;
    FileTime before = FileTime.from(clock.instant().minus(grace));
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(root)) {
      for (Path task : tasks) {
        if (Files.exists(appStateDir.resolve(task.getFileName().toString()))) continue;
        if (lastWritten(task).compareTo(before) >= 0) continue;
        Utils.delete(task.toFile()); // Kafka's recursive delete
        deleted.add(task.getFileName().toString());
      }
    } catch (IOException e) {
      log.warn("could not clean the vector snapshots of departed tasks in {} ({}); next time", root, e.toString());
    }
    if (!deleted.isEmpty()) log.info("deleted the vector snapshots of departed tasks {}", deleted);
    return deleted;
  }

  /** The newest modification time in the directory, itself included (a write renames a file into it). */
  private static FileTime lastWritten(Path dir) throws IOException {
    FileTime newest = FileTime.fromMillis(0);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.toList()) {
        FileTime t = Files.getLastModifiedTime(file);
        if (t.compareTo(newest) > 0) newest = t;
      }
    }
    return newest;
  }
}
