package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.IndexedImage;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * What a graph keeps about its nodes besides codes and links, by slot, without an object per
 * image. Each image's id, content hash, upload time and version are packed into one byte record
 * (lengths and numbers as Kafka's varints, {@link ByteUtils}) in a chunked arena; admission floors sit in a float column;
 * tags and attributes, which most images lack, in a side map; and an open-addressing table of
 * slots, probed by a hash of the id's bytes, finds a slot by id.
 *
 * <p>Why: at a million images an {@link IndexedImage}, its id {@code String} and a hash-map slot
 * cost about 150 B per image next to the graph's ~655 B of codes and links; here it is ~25 B
 * for short ids. Searches build an {@code IndexedImage} only for the candidates they hand out.
 *
 * <p>A removed slot's record stays in the arena until the graph is compacted (rebuilt).
 */
final class ImageRecords {

  private static final int CHUNK_SHIFT = 16;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int CHUNK_MASK = CHUNK - 1;
  private static final int FIRST_ARENA = 1024;
  /** Records longer than this (absurd ids or hashes) get an array of their own. */
  private static final int LARGE = 4096;
  private static final float MAX_LOAD = 0.75f;
  private static final int PAGE_SHIFT = 16; // the id table in pages of 64 Ki slots (256 KB, see Chunking)
  private static final int PAGE = 1 << PAGE_SHIFT;

  private final List<byte[]> chunks = new ArrayList<>();
  private int chunkUsed; // bytes used in the last arena chunk
  // Per slot, in chunks of 2^shift: the record's arena offset (chunk << 16 | position), or -1
  // for a large record; the admission floor.
  private final int shift;
  private final int mask;
  private int chunksAllocated;
  private int[][] recordAt = new int[0][];
  private float[][] floors = new float[0][];
  private final Int2ObjectOpenHashMap<byte[]> large = new Int2ObjectOpenHashMap<>();
  private final Int2ObjectOpenHashMap<Metadata> metadata = new Int2ObjectOpenHashMap<>();
  // Live slots + 1 (0: empty), linear probing from the id's hash; a power of two in size.
  private int[][] table = {new int[16]};
  private int tableSize = 16;
  private int live;

  private record Metadata(List<String> tags, Map<String, String> attributes) {}

  /** @param shift log2 of the slots per column chunk (the graph's) */
  ImageRecords(int shift) {
    this.shift = shift;
    this.mask = (1 << shift) - 1;
  }

  /** Room for slots below {@code slots}; the first chunk grows to its full size as the graph's does ({@link Chunking}). */
  void ensureCapacity(int slots) {
    int whole = 1 << shift;
    if (chunksAllocated == 0 || recordAt[0].length < whole) {
      int room = Chunking.firstChunkRoom(slots, shift);
      if (chunksAllocated == 0) {
        recordAt = new int[][] {new int[0]};
        floors = new float[][] {new float[0]};
        chunksAllocated = 1;
      }
      if (recordAt[0].length < room) {
        recordAt[0] = Arrays.copyOf(recordAt[0], room);
        floors[0] = Arrays.copyOf(floors[0], room);
      }
    }
    int chunks = Chunking.chunksFor(slots, shift);
    recordAt = Chunking.withRoom(recordAt, chunks);
    floors = Chunking.withRoom(floors, chunks);
    for (; chunksAllocated < chunks; chunksAllocated++) {
      recordAt[chunksAllocated] = new int[whole];
      floors[chunksAllocated] = new float[whole];
    }
  }

  // ---------------------------------------------------------------- writes

  /** Records the image at a slot that is not in use; its id must not be live in this graph. */
  void add(int slot, IndexedImage image, byte[] id) {
    store(slot, record(image, id));
    floors[slot >>> shift][slot & mask] = image.admissionFloor();
    if (!image.tags().isEmpty() || !image.attributes().isEmpty()) metadata.put(slot, new Metadata(image.tags(), image.attributes()));
    if ((live + 1) > tableSize * MAX_LOAD) rehash(tableSize * 2);
    insert(slot, hashOf(id, 0, id.length));
    live++;
  }

  /** Forgets the id's slot (its record stays until compaction); returns it, or -1. */
  int remove(IdKey key) {
    int at = find(key);
    if (at < 0) return -1;
    int slot = entry(at) - 1;
    deleteAt(at);
    metadata.remove(slot);
    large.remove(slot);
    live--;
    return slot;
  }

  /** id length, id, hash length + 1 (0: no hash), hash, upload time, version. */
  private static byte[] record(IndexedImage image, byte[] id) {
    byte[] hash = image.contentHash() == null ? null : image.contentHash().getBytes(StandardCharsets.UTF_8);
    int hashField = hash == null ? 0 : hash.length + 1;
    ByteBuffer record = ByteBuffer.allocate(ByteUtils.sizeOfUnsignedVarint(id.length) + id.length
        + ByteUtils.sizeOfUnsignedVarint(hashField) + (hash == null ? 0 : hash.length)
        + ByteUtils.sizeOfVarlong(image.uploadedAt()) + ByteUtils.sizeOfVarlong(image.version()));
    ByteUtils.writeUnsignedVarint(id.length, record);
    record.put(id);
    ByteUtils.writeUnsignedVarint(hashField, record);
    if (hash != null) record.put(hash);
    ByteUtils.writeVarlong(image.uploadedAt(), record);
    ByteUtils.writeVarlong(image.version(), record);
    return record.array();
  }

  private void store(int slot, byte[] record) {
    if (record.length > LARGE) {
      large.put(slot, record);
      recordAt[slot >>> shift][slot & mask] = -1;
      return;
    }
    byte[] last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
    if (last == null || chunkUsed + record.length > last.length) {
      if (last != null && last.length < CHUNK && chunkUsed + record.length <= CHUNK) {
        // The first chunk starts small and doubles, like the graph's (a small tenant's records take bytes, not 64 KB).
        chunks.set(0, Arrays.copyOf(last, Math.min(CHUNK, Math.max(2 * last.length, chunkUsed + record.length))));
      } else {
        chunks.add(new byte[last == null ? Math.max(FIRST_ARENA, record.length) : CHUNK]);
        chunkUsed = 0;
      }
    }
    int chunk = chunks.size() - 1;
    System.arraycopy(record, 0, chunks.get(chunk), chunkUsed, record.length);
    recordAt[slot >>> shift][slot & mask] = chunk << CHUNK_SHIFT | chunkUsed;
    chunkUsed += record.length;
  }

  // ---------------------------------------------------------------- reads

  int live() {
    return live;
  }

  /** The id's live slot, or -1. */
  int slotOf(IdKey key) {
    int at = find(key);
    return at < 0 ? -1 : entry(at) - 1;
  }

  float floor(int slot) {
    return floors[slot >>> shift][slot & mask];
  }

  void floor(int slot, float floor) {
    floors[slot >>> shift][slot & mask] = floor;
  }

  String id(int slot) {
    return string(reader(slot));
  }

  /** The image at a live slot, as searches hand it out (a new object each time). */
  IndexedImage image(int slot, String tenant) {
    ByteBuffer r = reader(slot);
    String id = string(r);
    int hashField = ByteUtils.readUnsignedVarint(r);
    String hash = hashField == 0 ? null : string(r, hashField - 1);
    long uploadedAt = ByteUtils.readVarlong(r);
    long version = ByteUtils.readVarlong(r);
    Metadata extra = metadata.get(slot);
    IndexedImage image = new IndexedImage(id, tenant, uploadedAt, version, hash,
        extra == null ? List.of() : extra.tags(), extra == null ? Map.of() : extra.attributes());
    image.admissionFloor(floor(slot));
    return image;
  }

  /** Heap held here, for the benchmarks. */
  long heapBytes() {
    long bytes = 0;
    for (byte[] chunk : chunks) bytes += chunk.length;
    for (int i = 0; i < chunksAllocated; i++) bytes += (long) recordAt[i].length * (Integer.BYTES + Float.BYTES);
    for (byte[] record : large.values()) bytes += 16 + record.length;
    return bytes + (long) tableSize * Integer.BYTES;
  }

  /**
   * The ids of the slots below {@code size} as they are now, readable from another thread while
   * this goes on changing (a background snapshot). A record never changes once written, so this
   * copies only what points at records: the arena's chunk list, the outer offset array, the map
   * of large records (a removal takes one out).
   */
  IntFunction<String> frozenIds(int size) {
    List<byte[]> arena = List.copyOf(chunks);
    int[][] offsets = Arrays.copyOf(recordAt, Chunking.chunksFor(size, shift));
    Int2ObjectOpenHashMap<byte[]> largeRecords = large.clone();
    return slot -> {
      int at = offsets[slot >>> shift][slot & mask];
      return string(reader(at, arena, at < 0 ? largeRecords.get(slot) : null));
    };
  }

  /** The slot's record, positioned at its start. */
  private ByteBuffer reader(int slot) {
    int at = recordAt[slot >>> shift][slot & mask];
    return reader(at, chunks, at < 0 ? large.get(slot) : null);
  }

  private static ByteBuffer reader(int at, List<byte[]> arena, byte[] largeRecord) {
    return at < 0 ? ByteBuffer.wrap(largeRecord) : ByteBuffer.wrap(arena.get(at >>> CHUNK_SHIFT)).position(at & CHUNK_MASK);
  }

  private static String string(ByteBuffer r) {
    return string(r, ByteUtils.readUnsignedVarint(r));
  }

  private static String string(ByteBuffer r, int length) {
    String s = new String(r.array(), r.position(), length, StandardCharsets.UTF_8);
    r.position(r.position() + length);
    return s;
  }

  private static boolean idEquals(ByteBuffer r, byte[] id) {
    int length = ByteUtils.readUnsignedVarint(r);
    return length == id.length && Arrays.equals(r.array(), r.position(), r.position() + length, id, 0, id.length);
  }

  // ---------------------------------------------------------------- the id table

  private int entry(int at) {
    return table[at >>> PAGE_SHIFT][at & (PAGE - 1)];
  }

  private void entry(int at, int value) {
    table[at >>> PAGE_SHIFT][at & (PAGE - 1)] = value;
  }

  private int find(IdKey key) {
    int tableMask = tableSize - 1;
    for (int at = key.hash() & tableMask; entry(at) != 0; at = (at + 1) & tableMask) {
      if (idEquals(reader(entry(at) - 1), key.utf8())) return at;
    }
    return -1;
  }

  private void insert(int slot, int hash) {
    int tableMask = tableSize - 1;
    int at = hash & tableMask;
    while (entry(at) != 0) at = (at + 1) & tableMask;
    entry(at, slot + 1);
  }

  /** Linear probing's deletion: shifts later members of the run back so that none is cut off. */
  private void deleteAt(int at) {
    int tableMask = tableSize - 1;
    int hole = at;
    for (int next = (hole + 1) & tableMask; entry(next) != 0; next = (next + 1) & tableMask) {
      int home = idHash(entry(next) - 1) & tableMask;
      // Move it into the hole unless its home lies cyclically in (hole, next].
      boolean homeAfterHole = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
      if (!homeAfterHole) {
        entry(hole, entry(next));
        hole = next;
      }
    }
    entry(hole, 0);
  }

  private void rehash(int capacity) {
    int[][] old = table;
    table = new int[Math.max(1, capacity >>> PAGE_SHIFT)][];
    for (int page = 0; page < table.length; page++) table[page] = new int[Math.min(capacity, PAGE)];
    tableSize = capacity;
    for (int[] page : old) {
      for (int entry : page) if (entry != 0) insert(entry - 1, idHash(entry - 1));
    }
  }

  private int idHash(int slot) {
    ByteBuffer r = reader(slot);
    int length = ByteUtils.readUnsignedVarint(r);
    return hashOf(r.array(), r.position(), length);
  }

  static int hashOf(byte[] bytes, int from, int length) {
    int h = 0x9747b28c;
    for (int i = from; i < from + length; i++) h = (h ^ bytes[i]) * 0x01000193;
    h ^= h >>> 16; // murmur's finalizer: the table uses the low bits
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** An id encoded once, for lookups in one graph or several. */
  record IdKey(byte[] utf8, int hash) {
    static IdKey of(String id) {
      byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
      return new IdKey(utf8, hashOf(utf8, 0, utf8.length));
    }
  }
}
