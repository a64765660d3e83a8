package dev.lookalike.topology.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots of tasks that left go after the grace; those of tasks still here, or just written, stay. */
class OrphanSnapshotsTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(10);

  @TempDir Path app;

  @Test
  void deletesOnlyOldSnapshotsWhoseTaskDirectoryIsGone() throws IOException {
    Files.createDirectories(app.resolve("0_0"));
    Path owned = snapshot("0_0", NOW.minus(Duration.ofDays(3))); // idle, but the task is here
    Path departed = snapshot("0_1", NOW.minus(Duration.ofHours(1)));
    Path justWritten = snapshot("0_2", NOW.minus(Duration.ofMinutes(2))); // e.g. a task moving in right now

    assertThat(OrphanSnapshots.delete(app, GRACE, Clock.fixed(NOW, ZoneOffset.UTC))).containsExactly("0_1");

    assertThat(owned).exists();
    assertThat(departed.getParent()).doesNotExist();
    assertThat(justWritten).exists();
    assertThat(app.resolve("0_0")).as("Kafka's task directories are not ours to touch").exists();
  }

  @Test
  void anApplicationWithoutSnapshotsIsLeftAsItIs() {
    assertThat(OrphanSnapshots.delete(app, GRACE, Clock.fixed(NOW, ZoneOffset.UTC))).isEmpty();
    assertThat(app).isEmptyDirectory();
  }

  private Path snapshot(String task, Instant written) throws IOException {
    Path file = VectorStore.snapshotFile(app.resolve(task), "vectors-perceptual");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(file, FileTime.from(written));
    Files.setLastModifiedTime(file.getParent(), FileTime.from(written));
    return file;
  }
}
