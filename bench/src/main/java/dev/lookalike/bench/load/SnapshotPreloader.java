package dev.lookalike.bench.load;

import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.VectorIndexes;
import dev.lookalike.topology.store.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;

/**
 * {@code --preload snapshot}: besides the changelogs, the vector store's saved graph is put where
 * each task's store keeps it ({@link VectorStore#snapshotFile}) before start, as a restarted
 * instance finds it; the changelog replay then
 * confirms it record by record instead of inserting every vector into the graph. Building the
 * graph of a million vectors takes about as long as the restore it replaces (~20 minutes here),
 * so each file is built once and cached under {@code bench/target/load-snapshots}, keyed by the
 * pre-store, the graph's settings and the store's compiled code.
 */
final class SnapshotPreloader {

  private static final Path CACHE = Path.of("bench", "target", "load-snapshots");

  private SnapshotPreloader() {}

  /** @return how many of the partitions' files had to be built (the rest came from the cache) */
  static int place(VectorConfig vector, int partitions, Preload preload, IntFunction<Path> taskDir) {
    String store = Names.vectorStore(vector.name());
    String key = cacheKey(vector, partitions, preload);
    int built = 0;
    try {
      Files.createDirectories(CACHE);
      for (int p = 0; p < partitions; p++) {
        Path cached = CACHE.resolve(key + "-" + p + ".snapshot");
        if (!Files.exists(cached)) {
          build(cached, store, vector, partitions, p, preload);
          built++;
        }
        Path target = VectorStore.snapshotFile(taskDir.apply(p), store);
        Files.createDirectories(target.getParent());
        Files.copy(cached, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("placing the vector store snapshots failed", e);
    }
    return built;
  }

  private static void build(Path cached, String store, VectorConfig vector, int partitions, int partition, Preload preload) throws IOException {
    long started = System.nanoTime();
    LoadDriver.progress("  building the vector store snapshot of partition %d (%,d vectors; cached for later runs as %s)", partition,
        preload.count() / partitions, cached);
    Path tmp = cached.resolveSibling(cached.getFileName() + ".tmp");
    VectorStore.writeSnapshot(tmp, store, VectorIndexes.forConfig(vector, preload.vectors().dims()),
        () -> records(preload, partitions, partition));
    Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING);
    LoadDriver.progress("  snapshot of partition %d built in %.1f s", partition, (System.nanoTime() - started) / 1e9);
  }

  /** The vector changelog's records of one partition, as {@link ChangelogPreloader} writes them (in index order). */
  private static Iterator<KeyValue<Bytes, byte[]>> records(Preload preload, int partitions, int partition) {
    Serializer<VectorEntry> entries = AvroBinarySerde.of(VectorEntry.class).serializer();
    long started = System.nanoTime();
    return new Iterator<>() {
      private long next = advance(0);
      private long given;

      private long advance(long from) {
        long i = from;
        while (i < preload.count() && partitionOf(Preload.id(i), partitions) != partition) i++;
        return i;
      }

      @Override
      public boolean hasNext() {
        return next < preload.count();
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) throw new NoSuchElementException();
        long index = next;
        next = advance(index + 1);
        if (++given % 100_000 == 0) {
          LoadDriver.progress("    %,d of ~%,d inserted (%.0f s)", given, preload.count() / partitions, (System.nanoTime() - started) / 1e9);
        }
        byte[] key = Preload.id(index).getBytes(StandardCharsets.UTF_8);
        return KeyValue.pair(Bytes.wrap(key), entries.serialize("", preload.entry(index, preload.vector(index))));
      }
    };
  }

  /** The default partitioner's choice for a key, as the changelog writer and the producers make it. */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** What the file depends on: the pre-stored vectors, the graph's settings, the partitioning and the store's code. */
  private static String cacheKey(VectorConfig vector, int partitions, Preload preload) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ClusteredVectors v = preload.vectors();
      // Only what shapes the graph: search settings (ef.search, ef.duplicates, thresholds) may vary between runs.
      String graph = String.format("index=%s m=%d efConstruction=%d offHeap=%s", vector.index(), vector.indexM(),
          vector.indexEfConstruction(), vector.indexFloatsOffHeap());
      sha.update(String.join("|", String.valueOf(preload.count()), preload.model(), v.describe(), String.valueOf(partitions), graph)
          .getBytes(StandardCharsets.UTF_8));
      codeOf(sha);
      return "p" + preload.count() + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every compiled class of the store package (and below), from the class folder or from inside
   * the jar: a change to the graph code means a new file, a change elsewhere in the topology does
   * not (hashing the whole jar rebuilt the 1M file, ~23 minutes, for any change).
   */
  private static void codeOf(MessageDigest sha) {
    try {
      Path location = Path.of(VectorStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
           Stream<Path> walk = Files.walk((jar == null ? location : jar.getPath("/")).resolve("dev/lookalike/topology/store"))) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) sha.update(Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
