package dev.lookalike.topology.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.store.hnsw.HnswIndex;
import dev.lookalike.topology.store.hnsw.HnswParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved graph comes back on restart, and the changelog replayed over it decides: the result is
 * exactly the changelog's state, whatever the snapshot held.
 */
class VectorStoreSnapshotTest {

  private static final int DIMS = 24;
  private static final HnswParams GRAPH = HnswParams.DEFAULTS.withExactBelow(0);
  @TempDir Path stateDir;
  private final SplittableRandom random = new SplittableRandom(99);

  @Test
  void aRestartLoadsTheSnapshotAndTheChangelogCorrectsWhatItHeld() throws IOException {
    Map<String, byte[]> changelog = new LinkedHashMap<>();
    VectorStore first = open();
    for (int i = 0; i < 1_500; i++) write(first, changelog, "img-" + i, randomVector());
    first.close(); // saves the snapshot
    Path snapshot = VectorStore.snapshotFile(taskDir(), "vectors-test");
    assertThat(snapshot).exists();

    // A second life: restored, then a write of a transaction that is aborted, then closed: the
    // snapshot now holds an image the changelog never had.
    VectorStore ghostWriter = open();
    changelog.forEach((id, value) -> ghostWriter.put(key(id), value));
    ghostWriter.finishRestore();
    ghostWriter.put(key("img-ghost"), value("img-ghost", randomVector()));
    ghostWriter.close();
    // And the changelog moved on: one image replaced, one deleted, one new.
    changelog.put("img-7", value("img-7", randomVector()));
    changelog.put("img-8", null);
    changelog.put("img-new", value("img-new", randomVector()));

    VectorStore restored = open();
    assertThat(restored.size()).as("loaded from the snapshot, before the replay").isEqualTo(1_501);
    changelog.forEach((id, value) -> restored.put(key(id), value));
    restored.finishRestore();

    VectorStore rebuilt = rebuiltFrom(changelog);
    assertThat(restored.size()).isEqualTo(rebuilt.size()).isEqualTo(1_500);
    assertThat(restored.get(key("img-ghost"))).isNull();
    assertThat(restored.get(key("img-8"))).isNull();
    for (String id : List.of("img-7", "img-new", "img-0", "img-1499")) {
      assertThat(restored.get(key(id))).isEqualTo(changelog.get(id));
    }
    for (int q = 0; q < 50; q++) {
      float[] query = randomVector();
      assertThat(top(restored, query)).isEqualTo(top(rebuilt, query));
    }
  }

  /**
   * The restore's log line counts what the snapshot held: the entries the changelog confirmed unchanged,
   * not the store's size after the replay (which read "22 entries from the snapshot confirmed" for a file
   * of 16, after an instance that wrote 6 more had been killed before its next snapshot).
   */
  @Test
  void theRestoreLineCountsTheSnapshotsEntriesNotTheStoresSize() {
    Map<String, byte[]> changelog = new LinkedHashMap<>();
    VectorStore first = open();
    for (int i = 0; i < 16; i++) write(first, changelog, "img-" + i, randomVector());
    first.close(); // saves the snapshot of 16
    for (int i = 16; i < 22; i++) changelog.put("img-" + i, value("img-" + i, randomVector()));
    changelog.put("img-3", value("img-3", randomVector())); // replaced since the file
    changelog.put("img-4", null); // deleted since the file

    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(VectorStore.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      VectorStore restored = open();
      changelog.forEach((id, value) -> restored.put(key(id), value));
      restored.finishRestore();
      assertThat(restored.size()).isEqualTo(21);
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .contains("vector store vectors-test: 14 of 16 entries from the snapshot confirmed by the changelog, 0 dropped; 21 entries now");
  }

  /**
   * A flush takes the snapshot and a thread of its own writes it, while the stream goes on
   * writing: the file holds the store as it was at the flush.
   */
  @Test
  void aFlushWritesTheSnapshotInTheBackgroundAsTheStoreWasAtTheFlush() {
    Map<String, byte[]> changelog = new LinkedHashMap<>();
    VectorStore store = open(0); // every flush snapshots
    for (int i = 0; i < 2_000; i++) write(store, changelog, "img-" + i, randomVector());
    Map<String, byte[]> atFlush = new LinkedHashMap<>(changelog);
    store.flush();
    for (int i = 0; i < 500; i++) write(store, changelog, "img-" + i, randomVector()); // replaced
    for (int i = 2_000; i < 2_300; i++) write(store, changelog, "img-" + i, randomVector()); // new
    for (int i = 500; i < 900; i++) store.delete(key("img-" + i));
    assertThat(store.awaitSnapshotWriter()).isTrue();

    VectorStore loaded = new VectorStore("vectors-test", () -> new HnswIndex(DIMS, GRAPH), 60_000);
    loaded.init(context(), loaded); // loads the snapshot, before any replay
    assertThat(loaded.size()).isEqualTo(2_000);
    for (String id : List.of("img-0", "img-499", "img-500", "img-899", "img-1999")) {
      assertThat(loaded.get(key(id))).as(id).isEqualTo(atFlush.get(id));
    }
    assertThat(loaded.get(key("img-2000"))).isNull();
  }

  /** A 1M file takes 10-15 s to write: a close with nothing new since the last one does not write it again. */
  @Test
  void aCloseWritesTheSnapshotAgainOnlyWhenSomethingChangedSinceTheLastOne() throws IOException {
    Map<String, byte[]> changelog = new LinkedHashMap<>();
    VectorStore idle = open(0);
    for (int i = 0; i < 500; i++) write(idle, changelog, "img-" + i, randomVector());
    idle.flush();
    assertThat(idle.awaitSnapshotWriter()).isTrue();
    Object written = fileKey();
    idle.close();
    assertThat(fileKey()).as("the same file, not a new one renamed over it").isEqualTo(written);

    VectorStore busy = open(60_000);
    changelog.forEach((id, value) -> busy.put(key(id), value));
    busy.finishRestore();
    busy.flush(); // within the interval: no snapshot
    busy.close(); // this life wrote none yet: it writes one
    Object rewritten = fileKey();
    assertThat(rewritten).isNotEqualTo(written);

    VectorStore again = open(0);
    changelog.forEach((id, value) -> again.put(key(id), value));
    again.finishRestore();
    again.flush();
    assertThat(again.awaitSnapshotWriter()).isTrue();
    Object flushed = fileKey();
    write(again, changelog, "img-new", randomVector());
    again.close();
    assertThat(fileKey()).as("a write after the last snapshot").isNotEqualTo(flushed);
    VectorStore loaded = open(60_000);
    assertThat(loaded.size()).isEqualTo(501);
  }

  private Object fileKey() throws IOException {
    return Files.readAttributes(VectorStore.snapshotFile(taskDir(), "vectors-test"), BasicFileAttributes.class).fileKey();
  }

  @Test
  void anUnreadableSnapshotIsIgnoredAndTheChangelogRebuildsEverything() throws IOException {
    Map<String, byte[]> changelog = new LinkedHashMap<>();
    VectorStore first = open();
    for (int i = 0; i < 300; i++) write(first, changelog, "img-" + i, randomVector());
    first.close();
    Path snapshot = VectorStore.snapshotFile(taskDir(), "vectors-test");
    byte[] bytes = Files.readAllBytes(snapshot);
    for (int i = bytes.length / 2; i < bytes.length; i += 7) bytes[i] = (byte) 0xff; // links out of range
    Files.write(snapshot, bytes);

    VectorStore restored = open();
    assertThat(restored.size()).as("nothing trusted from a bad file").isZero();
    changelog.forEach((id, value) -> restored.put(key(id), value));
    restored.finishRestore();
    assertThat(restored.size()).isEqualTo(300);
    float[] query = randomVector();
    assertThat(top(restored, query)).isEqualTo(top(rebuiltFrom(changelog), query));
  }

  @Test
  void aSnapshotWrittenFromTheChangelogAloneIsConfirmedByItOnStart() throws IOException {
    Map<String, byte[]> changelog = randomChangelog(1_200);
    Path snapshot = VectorStore.snapshotFile(taskDir(), "vectors-test");
    writeSnapshot(snapshot, changelog);
    byte[] written = Files.readAllBytes(snapshot);

    VectorStore restored = open();
    assertThat(restored.size()).as("loaded from the file").isEqualTo(1_200);
    changelog.forEach((id, value) -> restored.put(key(id), value));
    restored.finishRestore();
    assertThat(restored.size()).isEqualTo(1_200);
    VectorStore rebuilt = rebuiltFrom(changelog);
    for (int q = 0; q < 20; q++) {
      float[] query = randomVector();
      assertThat(top(restored, query)).isEqualTo(top(rebuilt, query));
    }
    // Every record was confirmed, none re-inserted: a re-insert adds a graph node (and a
    // tombstone), so the snapshot saved on close would differ from the one loaded.
    restored.close();
    assertThat(Files.readAllBytes(snapshot)).isEqualTo(written);
  }

  @Test
  void aSnapshotLeftInsideTheTaskDirectoryByAnOlderVersionIsMovedOutAndLoaded() throws IOException {
    Path legacy = taskDir().resolve("vectors-test.snapshot");
    writeSnapshot(legacy, randomChangelog(300));

    VectorStore restored = open();
    assertThat(restored.size()).as("loaded from the old file").isEqualTo(300);
    assertThat(legacy).doesNotExist();
    assertThat(VectorStore.snapshotFile(taskDir(), "vectors-test")).exists();
  }

  /**
   * Kafka Streams opens the stores it finds on disk at start (its start-up tasks), closes them and opens them again
   * when the tasks are assigned; each snapshot was read twice. The second opening takes over the first's graph: the
   * file, damaged in place here with its size, time and inode kept, is not read again.
   */
  @Test
  void aStoreClosedRightAfterLoadingHandsItsSnapshotToItsNextOpening() throws IOException {
    Map<String, byte[]> changelog = randomChangelog(600);
    Path snapshot = VectorStore.snapshotFile(taskDir(), "vectors-test");
    writeSnapshot(snapshot, changelog);
    VectorStore startUpTask = open();
    assertThat(startUpTask.size()).isEqualTo(600);
    startUpTask.close();
    damageInPlace(snapshot);

    VectorStore assigned = open();
    assertThat(assigned.size()).as("taken over, not read").isEqualTo(600);
    changelog.forEach((id, value) -> assigned.put(key(id), value));
    assigned.finishRestore();
    VectorStore rebuilt = rebuiltFrom(changelog);
    for (int q = 0; q < 10; q++) {
      float[] query = randomVector();
      assertThat(top(assigned, query)).isEqualTo(top(rebuilt, query));
    }
  }

  @Test
  void aSnapshotWrittenAfterTheCloseIsReadNotTakenOver() throws IOException {
    Path snapshot = VectorStore.snapshotFile(taskDir(), "vectors-test");
    writeSnapshot(snapshot, randomChangelog(600));
    open().close();
    writeSnapshot(snapshot, randomChangelog(250)); // another instance's newer state, say

    assertThat(open().size()).isEqualTo(250);
  }

  @Test
  void aStoreThatRestoredAnythingHandsNothingOver() throws IOException {
    Map<String, byte[]> changelog = randomChangelog(600);
    Path snapshot = VectorStore.snapshotFile(taskDir(), "vectors-test");
    writeSnapshot(snapshot, changelog);
    VectorStore first = open();
    first.put(key("img-0"), changelog.get("img-0")); // one changelog record confirmed
    first.close();
    damageInPlace(snapshot);

    assertThat(open().size()).as("the damaged file was read, and ignored").isZero();
  }

  /** Overwrites the second half of the file in place, keeping its length, inode and modification time. */
  private static void damageInPlace(Path file) throws IOException {
    java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(file);
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      for (long at = raf.length() / 2; at < raf.length(); at += 7) {
        raf.seek(at);
        raf.write(0xff);
      }
    }
    Files.setLastModifiedTime(file, modified);
  }

  // ---------------------------------------------------------------- helpers

  private VectorStore open() {
    return open(60_000);
  }

  private VectorStore open(long snapshotIntervalMs) {
    VectorStore store = new VectorStore("vectors-test", () -> new HnswIndex(DIMS, GRAPH), snapshotIntervalMs);
    store.init(context(), store);
    return store;
  }

  private StateStoreContext context() {
    Properties props = new Properties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "snapshot-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return new MockProcessorContext<>(props, new TaskId(0, 0), taskDir().toFile()).getStateStoreContext();
  }

  private Map<String, byte[]> randomChangelog(int images) {
    Map<String, byte[]> changelog = new LinkedHashMap<>();
    for (int i = 0; i < images; i++) changelog.put("img-" + i, value("img-" + i, randomVector()));
    return changelog;
  }

  /** The file {@link VectorStore#writeSnapshot} makes of these changelog records, without Kafka. */
  private static void writeSnapshot(Path file, Map<String, byte[]> changelog) throws IOException {
    List<KeyValue<Bytes, byte[]>> records = new ArrayList<>();
    changelog.forEach((id, value) -> records.add(KeyValue.pair(key(id), value)));
    VectorStore.writeSnapshot(file, "vectors-test", () -> new HnswIndex(DIMS, GRAPH), records);
  }

  private Path taskDir() {
    return stateDir.resolve("0_0");
  }

  private VectorStore rebuiltFrom(Map<String, byte[]> changelog) {
    VectorStore store = new VectorStore("vectors-rebuilt", () -> new HnswIndex(DIMS, GRAPH), -1);
    changelog.forEach((id, value) -> store.put(key(id), value));
    return store;
  }

  private void write(VectorStore store, Map<String, byte[]> changelog, String id, float[] vector) {
    byte[] value = value(id, vector);
    store.put(key(id), value);
    changelog.put(id, value);
  }

  private static List<String> top(VectorStore store, float[] query) {
    TopKCollector top = new TopKCollector(10, -1f);
    store.search(query, SearchFilter.tenant("t"), KnnRequest.EVERYTHING, top);
    List<String> ids = new ArrayList<>();
    for (ScoredImage hit : top.results()) ids.add(hit.imageId() + "=" + hit.score());
    return ids;
  }

  private static Bytes key(String id) {
    return Bytes.wrap(id.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] value(String id, float[] vector) {
    List<Float> boxed = new ArrayList<>();
    for (float x : vector) boxed.add(x);
    VectorEntry entry = VectorEntry.newBuilder().setImageId(id).setTenant("t").setUploadedAt(1).setVersion(1).setContentHash("h-" + id)
        .setWidth(1).setHeight(1).setFormat("png").setModel("m").setVector(boxed).build();
    return AvroBinarySerde.of(VectorEntry.class).serialize("t", entry);
  }

  private float[] randomVector() {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) v[i] = (float) random.nextGaussian();
    return VectorMath.normalize(v);
  }
}
