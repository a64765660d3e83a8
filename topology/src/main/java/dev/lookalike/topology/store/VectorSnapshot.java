package dev.lookalike.topology.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;

/**
 * A vector store saved beside its task directory ({@link VectorStore#snapshotFile}): the
 * entries, then the index as it is in memory. Loading one replaces re-inserting every vector into the graph (minutes for a million) with a
 * read; the changelog is still replayed over it and decides (see {@link VectorStore}), so a
 * snapshot that is stale, or holds writes of an aborted transaction, is corrected, never trusted.
 */
final class VectorSnapshot {

  private static final int MAGIC = 0x4c4b5653; // "LKVS"
  private static final int FORMAT = 1;

  private VectorSnapshot() {}

  /**
   * The store as it is now, to be written on another thread while it goes on changing. Keys and
   * stored values are immutable arrays, so only the references are copied (16 MB at a million).
   * Callers hold off writes to the store while it is taken.
   */
  static Frozen freeze(NavigableMap<Bytes, byte[]> entries, VectorIndex index) {
    Bytes[] keys = new Bytes[entries.size()];
    byte[][] values = new byte[entries.size()][];
    int i = 0;
    for (Map.Entry<Bytes, byte[]> e : entries.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    return new Frozen(keys, values, index.freezeSnapshot());
  }

  /** The entries and the index at one moment. */
  record Frozen(Bytes[] keys, byte[][] values, VectorIndex.Frozen index) {

    int size() {
      return keys.length;
    }

    /** Writes to a temporary file and renames it, so a crash mid-write leaves the old snapshot. */
    void write(Path file) throws IOException {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(keys.length);
        for (int i = 0; i < keys.length; i++) {
          writeBytes(out, keys[i].get());
          writeBytes(out, values[i]);
        }
        index.write(out);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Fills the empty entries and index from the file.
   *
   * @param imageOf the index's view of a stored entry, by image id
   * @return the keys loaded, each with the stored value it came with
   */
  static Map<Bytes, byte[]> read(Path file, NavigableMap<Bytes, byte[]> entries, VectorIndex index,
                                 Function<String, IndexedImage> imageOf) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) throw new IOException("not a vector store snapshot of format " + FORMAT);
      int count = in.readInt();
      Map<Bytes, byte[]> loaded = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
      for (int i = 0; i < count; i++) {
        Bytes key = Bytes.wrap(readBytes(in));
        byte[] value = readBytes(in);
        entries.put(key, value);
        loaded.put(key, value);
      }
      index.readSnapshot(in, imageOf);
      if (index.size() != count) throw new IOException("snapshot index holds " + index.size() + " images, its entries " + count);
      return loaded;
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 64 << 20) throw new IOException("snapshot record of " + length + " bytes");
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }
}
