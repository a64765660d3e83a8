package dev.lookalike.topology.store;

import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.serde.AvroBinarySerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.StoreQueryUtils;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The innermost layer of a vector store: the key-value map (made durable by Kafka Streams'
 * changelogging layer around it) plus an in-memory {@link VectorIndex} kept in step with every
 * write, restore included. Answers {@link KnnQuery} for interactive queries.
 *
 * <p>The vector is held once, by the index (which may keep it off the heap); the map keeps each
 * entry without it (behind a 64-bit hash of the full value) and puts it back on reads, which are
 * rare next to searches.
 *
 * <p>An index that is costly to rebuild is saved beside the task directory now and then and on close
 * ({@link VectorSnapshot}). On init the snapshot is loaded and the changelog replayed over it as
 * usual: a record whose value the snapshot already holds is skipped (a hash, not a graph insert),
 * any other is applied, and when the task starts processing ({@link #finishRestore}) every
 * loaded entry the changelog never mentioned is dropped. The result is exactly the changelog's
 * state whatever the snapshot held.
 *
 * <p>Stream threads write; HTTP threads search concurrently, hence the read-write lock.
 */
public final class VectorStore implements KeyValueStore<Bytes, byte[]> {

  private static final Logger log = LoggerFactory.getLogger(VectorStore.class);
  // In the application's state directory, beside the task directories (not a task name, so Kafka Streams leaves it alone).
  static final String SNAPSHOT_DIR = "vector-snapshots";

  private final String name;
  // Replaced, not cleared, when a freshly loaded snapshot is held for the next opening (LoadedSnapshots).
  private NavigableMap<Bytes, byte[]> entries = new TreeMap<>();
  private final Supplier<VectorIndex> indexFactory;
  private VectorIndex index;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Deserializer<VectorEntry> entryDeserializer = AvroBinarySerde.of(VectorEntry.class).deserializer();
  private final Serializer<VectorEntry> entrySerializer = AvroBinarySerde.of(VectorEntry.class).serializer();
  // One String per tenant, not one per image.
  private final Map<String, String> tenants = new HashMap<>();
  private final Position position = Position.emptyPosition();
  private StateStoreContext context;
  private volatile boolean open;
  private final long snapshotIntervalMs;
  private Path snapshotFile;
  private long lastSnapshotAt;
  // The thread writing the last snapshot taken, if any (stream thread only).
  private Thread snapshotWriter;
  // Writes applied since init, and how many of them the last snapshot written by this life holds
  // (-1: none written yet): a close with nothing new does not write the same file again.
  private long applied;
  private volatile long appliedInFile = -1;
  // Keys loaded from a snapshot that the changelog has not confirmed yet, with their stored values.
  private Map<Bytes, byte[]> unconfirmed;
  // How many entries the snapshot held, and how many of them the changelog has confirmed unchanged.
  private int loadedFromSnapshot;
  private int confirmedFromSnapshot;
  // True while the changelog is replayed: no search follows those writes.
  private boolean restoring;

  public VectorStore(String name, Supplier<VectorIndex> indexFactory) {
    this(name, indexFactory, -1);
  }

  /** @param snapshotIntervalMs how often to save a costly index (and on close); negative: never */
  public VectorStore(String name, Supplier<VectorIndex> indexFactory, long snapshotIntervalMs) {
    this.name = name;
    this.indexFactory = indexFactory;
    this.index = indexFactory.get();
    this.snapshotIntervalMs = snapshotIntervalMs;
  }

  /** The VectorStore under Kafka Streams' metering, logging and read-write layers. */
  public static VectorStore unwrap(StateStore store) {
    StateStore current = store;
    while (!(current instanceof VectorStore)) {
      if (!(current instanceof WrappedStateStore<?, ?, ?> wrapped)) {
        throw new IllegalArgumentException("not a vector store: " + store.name());
      }
      current = wrapped.wrapped();
    }
    return (VectorStore) current;
  }

  /**
   * Where the store of a task directory keeps its snapshot: beside the task directory, not in it.
   * After an unclean shutdown under exactly-once, Kafka Streams finds the task's RocksDB stores
   * not closed and wipes the whole task directory; a snapshot inside it would go too, and the
   * graph would be rebuilt vector by vector (about 20 minutes for a million). The file is never
   * trusted (the changelog confirms every entry), so keeping it through the wipe is safe.
   */
  public static Path snapshotFile(Path taskDir, String storeName) {
    return taskDir.resolveSibling(SNAPSHOT_DIR).resolve(taskDir.getFileName().toString()).resolve(storeName + ".snapshot");
  }

  /**
   * Writes the snapshot a store restored from {@code changelog} would save, without Kafka:
   * benchmarks pre-store a million vectors this way (once, then cached) instead of paying the
   * graph build on every run. On start the store loads it and the changelog confirms it, as
   * after any restart.
   */
  public static void writeSnapshot(Path file, String name, Supplier<VectorIndex> indexFactory, Iterable<KeyValue<Bytes, byte[]>> changelog)
      throws IOException {
    VectorStore store = new VectorStore(name, indexFactory);
    store.restoring = true;
    for (KeyValue<Bytes, byte[]> record : changelog) store.apply(record.key, record.value);
    VectorSnapshot.freeze(store.entries, store.index).write(file);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    // Kafka Streams re-initialises a store after closing its task dirty (an aborted transaction)
    // and restores it from the changelog: whatever this instance still holds may include writes
    // of the aborted transaction, so it must start empty. A snapshot still being written by
    // the last life finishes first: the next one writes the same temporary file.
    awaitSnapshotWriter();
    clear();
    applied = 0;
    appliedInFile = -1;
    this.context = stateStoreContext;
    boolean snapshots = snapshotIntervalMs >= 0 && index.canSnapshot() && stateStoreContext.stateDir() != null;
    snapshotFile = snapshots ? snapshotFile(stateStoreContext.stateDir().toPath(), name) : null;
    if (snapshots) adoptLegacySnapshot(stateStoreContext.stateDir().toPath().resolve(name + ".snapshot"));
    loadSnapshot();
    lastSnapshotAt = System.currentTimeMillis();
    // Restored records go through put(), so the index is rebuilt as the changelog is replayed.
    stateStoreContext.register(root, (RecordBatchingStateRestoreCallback) records -> {
      restoring = true;
      try {
        for (ConsumerRecord<byte[], byte[]> record : records) {
          put(Bytes.wrap(record.key()), record.value());
        }
      } finally {
        restoring = false;
      }
    });
    open = true;
  }

  @Override
  public void put(Bytes key, byte[] value) {
    lock.writeLock().lock();
    try {
      if (!confirmsSnapshot(key, value)) apply(key, value);
      StoreQueryUtils.updatePosition(position, context);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** True when a snapshot already put exactly this value here. */
  private boolean confirmsSnapshot(Bytes key, byte[] value) {
    if (unconfirmed == null) return false;
    byte[] loaded = unconfirmed.remove(key);
    boolean confirmed = loaded != null && value != null && StoredEntry.hashOf(loaded) == StoredEntry.hash(value);
    if (confirmed) confirmedFromSnapshot++;
    return confirmed;
  }

  private void apply(Bytes key, byte[] value) {
    applied++;
    if (value == null) {
      byte[] stored = entries.remove(key);
      // The tenant names the graph that holds the image: no search of every tenant's (HnswIndex).
      String tenant = stored == null ? null : entryDeserializer.deserialize(name, StoredEntry.payload(stored)).getTenant();
      index.remove(new String(key.get(), StandardCharsets.UTF_8), tenant);
      return;
    }
    VectorEntry entry = entryDeserializer.deserialize(name, value);
    float[] vector = VectorMath.toArray(entry.getVector());
    entry.setTenant(tenants.computeIfAbsent(entry.getTenant(), t -> t));
    // A processed write is an upload the match stage searches for next (EmbeddedProcessor). The
    // entries hold exactly the ids the index holds: a new id need not be looked for in it.
    index.upsert(toIndexed(entry), vector, !restoring, entries.containsKey(key));
    entry.setVector(List.of());
    entries.put(key, StoredEntry.of(StoredEntry.hash(value), entrySerializer.serialize(name, entry)));
  }

  /**
   * Called when the task starts processing, after its restore: what a snapshot held that the
   * changelog never mentioned is gone from the changelog's state, so it goes from this one too.
   */
  public void finishRestore() {
    lock.writeLock().lock();
    try {
      if (unconfirmed == null) return;
      for (Bytes key : unconfirmed.keySet()) apply(key, null);
      // Counted from the snapshot alone: entries the changelog added or replaced since are not "confirmed" (an
      // operator reads this line to tell whether the file was current; the store's size said so too often).
      log.info("vector store {}: {} of {} entries from the snapshot confirmed by the changelog, {} dropped; {} entries now",
          name, confirmedFromSnapshot, loadedFromSnapshot, unconfirmed.size(), entries.size());
      unconfirmed = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Earlier versions saved the snapshot inside the task directory: move it out once (or drop it if a newer one exists). */
  private void adoptLegacySnapshot(Path legacy) {
    if (!Files.exists(legacy)) return;
    try {
      if (Files.exists(snapshotFile)) {
        Files.delete(legacy);
      } else {
        Files.createDirectories(snapshotFile.getParent());
        Files.move(legacy, snapshotFile, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      log.warn("vector store {}: could not move the old snapshot {} out of the task directory ({})", name, legacy, e.toString());
    }
  }

  private void loadSnapshot() {
    if (snapshotFile == null || !Files.exists(snapshotFile)) return;
    long started = System.nanoTime();
    LoadedSnapshots.Loaded held = LoadedSnapshots.take(snapshotFile);
    if (held != null) {
      adopt(held);
      log.info("vector store {}: snapshot of {} vectors taken over from the store's last opening ({} ms; not read again)", name,
          entries.size(), (System.nanoTime() - started) / 1_000_000);
      return;
    }
    try {
      unconfirmed = VectorSnapshot.read(snapshotFile, entries, index, this::indexedImage);
      loadedFromSnapshot = entries.size();
      confirmedFromSnapshot = 0;
      log.info("vector store {}: snapshot of {} vectors loaded in {} ms", name, entries.size(), (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("vector store {}: ignoring unreadable snapshot {} ({}); rebuilding from the changelog", name, snapshotFile, e.toString());
      clear();
    }
  }

  private IndexedImage indexedImage(String imageId) {
    byte[] stored = entries.get(Bytes.wrap(imageId.getBytes(StandardCharsets.UTF_8)));
    if (stored == null) return null;
    VectorEntry entry = entryDeserializer.deserialize(name, StoredEntry.payload(stored));
    entry.setTenant(tenants.computeIfAbsent(entry.getTenant(), t -> t));
    return toIndexed(entry);
  }

  /**
   * Saves the index when it is worth it; only a state the changelog has confirmed is saved. The
   * stream thread only freezes the store (a copy of its links and references, a fraction of a
   * second at a million vectors); a thread of its own writes the file (10-15 s at a million), so
   * processing goes on meanwhile. On close ({@code force}) the last state is written before
   * returning, after any write still running, unless that write already holds it.
   */
  private void maybeSnapshot(boolean force) {
    if (snapshotFile == null || unconfirmed != null || !open) return;
    long now = System.currentTimeMillis();
    if (!force && (now - lastSnapshotAt < snapshotIntervalMs || snapshotWriter != null && snapshotWriter.isAlive())) return;
    if (!awaitSnapshotWriter() || force && appliedInFile == applied) return;
    lastSnapshotAt = now;
    long started = System.nanoTime();
    VectorSnapshot.Frozen frozen;
    lock.readLock().lock();
    try {
      frozen = VectorSnapshot.freeze(entries, index);
    } catch (RuntimeException e) {
      log.warn("vector store {}: snapshot not taken ({}); a restart rebuilds from the changelog", name, e.toString());
      return;
    } finally {
      lock.readLock().unlock();
    }
    long frozenMs = (System.nanoTime() - started) / 1_000_000;
    Path file = snapshotFile;
    long holds = applied;
    if (force) {
      writeSnapshot(frozen, file, frozenMs, holds);
    } else {
      snapshotWriter = Thread.ofPlatform().daemon().name("vector-snapshot-" + name).start(() -> writeSnapshot(frozen, file, frozenMs, holds));
    }
  }

  private void writeSnapshot(VectorSnapshot.Frozen frozen, Path file, long frozenMs, long holds) {
    long started = System.nanoTime();
    try {
      frozen.write(file);
      appliedInFile = holds;
      log.info("vector store {}: snapshot of {} vectors frozen in {} ms, written in {} ms", name, frozen.size(), frozenMs,
          (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("vector store {}: snapshot not written ({}); a restart rebuilds from the changelog", name, e.toString());
    }
  }

  /** Waits for the snapshot being written, if any; false if interrupted (the write goes on). */
  boolean awaitSnapshotWriter() {
    Thread writer = snapshotWriter;
    if (writer == null) return true;
    try {
      writer.join();
      snapshotWriter = null;
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("vector store {}: interrupted while a snapshot is written; not writing another", name);
      return false;
    }
  }

  static IndexedImage toIndexed(VectorEntry entry) {
    // Few tenants, a million images: one tenant string each instead of one copy per image (~48 B).
    return new IndexedImage(entry.getImageId(), entry.getTenant().intern(), entry.getUploadedAt(), entry.getVersion(), entry.getContentHash(),
        List.copyOf(entry.getTags()), Map.copyOf(entry.getAttributes()));
  }

  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    byte[] existing = get(key);
    if (existing == null) put(key, value);
    return existing;
  }

  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> batch) {
    for (KeyValue<Bytes, byte[]> kv : batch) put(kv.key, kv.value);
  }

  @Override
  public byte[] delete(Bytes key) {
    byte[] old = get(key);
    put(key, null);
    return old;
  }

  @Override
  public byte[] get(Bytes key) {
    lock.readLock().lock();
    try {
      return withVector(entries.get(key));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The stored entry with its vector put back from the index (callers hold the lock). */
  private byte[] withVector(byte[] stored) {
    if (stored == null) return null;
    VectorEntry entry = entryDeserializer.deserialize(name, StoredEntry.payload(stored));
    float[] vector = index.vector(entry.getImageId());
    List<Float> boxed = new ArrayList<>(vector.length);
    for (float x : vector) boxed.add(x);
    entry.setVector(boxed);
    return entrySerializer.serialize(name, entry);
  }

  /** Offers the stored images matching the filter that the request asks for to the collector. */
  public void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector) {
    lock.readLock().lock();
    try {
      if (index.size() > 0 && query.length != index.dimensions()) {
        throw new IllegalArgumentException("query has " + query.length + " dims, the store " + index.dimensions());
      }
      index.search(query, filter, request, collector);
    } finally {
      lock.readLock().unlock();
    }
  }

  public int size() {
    lock.readLock().lock();
    try {
      return index.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Stream-thread only: the score an image must beat to enter this image's neighbour list, cached
   * on the indexed image (searches hand it out with every hit); null when not known.
   */
  public Float admissionFloor(String imageId) {
    float floor = index.admissionFloor(imageId);
    return Float.isNaN(floor) ? null : floor;
  }

  /** Stream-thread only; null forgets the cached score. A re-stored image starts without one. */
  public void setAdmissionFloor(String imageId, Float floor) {
    index.admissionFloor(imageId, floor == null ? Float.NaN : floor);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    if (query instanceof KnnQuery knn) {
      TopKCollector collector = new TopKCollector(knn.k(), knn.filter().minScore());
      search(knn.vector(), knn.filter(), KnnRequest.topK(knn.k()), collector);
      QueryResult<R> result = (QueryResult<R>) QueryResult.forResult(collector.results());
      result.setPosition(position.copy());
      return result;
    }
    return StoreQueryUtils.handleBasicQueries(query, positionBound, config, this, position, context);
  }

  @Override
  public Position getPosition() {
    return position;
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return snapshot(from == null && to == null ? entries
        : from == null ? entries.headMap(to, true)
        : to == null ? entries.tailMap(from, true)
        : entries.subMap(from, true, to, true), false);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    return snapshot(from == null && to == null ? entries
        : from == null ? entries.headMap(to, true)
        : to == null ? entries.tailMap(from, true)
        : entries.subMap(from, true, to, true), true);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return range(null, null);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    return reverseRange(null, null);
  }

  @Override
  public long approximateNumEntries() {
    return size();
  }

  /** Iterators see a snapshot: HTTP readers never block the stream thread for long. */
  private KeyValueIterator<Bytes, byte[]> snapshot(NavigableMap<Bytes, byte[]> view, boolean reverse) {
    List<KeyValue<Bytes, byte[]>> copy;
    lock.readLock().lock();
    try {
      copy = new ArrayList<>(view.size());
      for (Map.Entry<Bytes, byte[]> e : (reverse ? view.descendingMap() : view).entrySet()) {
        copy.add(KeyValue.pair(e.getKey(), withVector(e.getValue())));
      }
    } finally {
      lock.readLock().unlock();
    }
    return new KeyValueIterator<>() {
      private int next = 0;

      @Override
      public boolean hasNext() {
        return next < copy.size();
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        return copy.get(next++);
      }

      @Override
      public Bytes peekNextKey() {
        return copy.get(next).key;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void flush() {
    maybeSnapshot(false);
  }

  @Override
  public void close() {
    awaitSnapshotWriter(); // none outlives the store, whether or not this one writes another
    maybeSnapshot(true); // a restart then restores in seconds, not by re-inserting every vector
    open = false;
    holdUntouchedSnapshot();
    clear();
  }

  /**
   * Closed right after loading its snapshot, before any changelog record (Kafka Streams' start-up
   * tasks open and close the stores they find on disk, then open them again when assigned): the
   * next opening takes what was loaded instead of reading the file again.
   */
  private void holdUntouchedSnapshot() {
    if (snapshotFile == null || unconfirmed == null || applied > 0 || confirmedFromSnapshot > 0 || loadedFromSnapshot == 0) return;
    lock.writeLock().lock();
    try {
      LoadedSnapshots.hold(snapshotFile, new LoadedSnapshots.Loaded(entries, new HashMap<>(tenants), index, unconfirmed, loadedFromSnapshot));
      entries = new TreeMap<>();
      index = indexFactory.get();
      unconfirmed = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void adopt(LoadedSnapshots.Loaded held) {
    lock.writeLock().lock();
    try {
      entries = held.entries();
      tenants.putAll(held.tenants());
      index = held.index();
      unconfirmed = held.unconfirmed();
      loadedFromSnapshot = held.count();
      confirmedFromSnapshot = 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void clear() {
    lock.writeLock().lock();
    try {
      entries.clear();
      tenants.clear();
      unconfirmed = null;
      index = indexFactory.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }
}
