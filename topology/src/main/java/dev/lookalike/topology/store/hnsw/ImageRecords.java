package dev.lookalike.topology.store.hnsw;

import dev.lookalike.topology.store.IndexedImage;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a graph keeps about its nodes besides codes and links, by slot, without an object per
 * image. Each image's id, content hash, upload time and version are packed into one byte record
 * (lengths and numbers as varints) in a chunked arena; admission floors sit in a float column;
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
  /** Records longer than this (absurd ids or hashes) get an array of their own. */
  private static final int LARGE = 4096;
  private static final float MAX_LOAD = 0.75f;
  private static final int PAGE_SHIFT = 16; // the id table in pages of 64 Ki slots (256 KB, see Chunking)
  private static final int PAGE = 1 << PAGE_SHIFT;

  private final List<byte[]> chunks = new ArrayList<>();
  private int chunkUsed = CHUNK; // the last chunk is full: the first record starts a new one
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

  void ensureCapacity(int slots) {
    int chunks = Chunking.chunksFor(slots, shift);
    recordAt = Chunking.withRoom(recordAt, chunks);
    floors = Chunking.withRoom(floors, chunks);
    for (; chunksAllocated < chunks; chunksAllocated++) {
      recordAt[chunksAllocated] = new int[1 << shift];
      floors[chunksAllocated] = new float[1 << shift];
    }
  }

  // ---------------------------------------------------------------- writes

  /** Records the image at a slot that is not in use; its id must not be live in this graph. */
  void add(int slot, IndexedImage image, byte[] id) {
    byte[] hash = image.contentHash() == null ? null : image.contentHash().getBytes(StandardCharsets.UTF_8);
    RecordWriter record = new RecordWriter(id.length + (hash == null ? 0 : hash.length) + 32);
    record.bytes(id);
    record.varint(hash == null ? 0 : hash.length + 1); // 0: no hash
    if (hash != null) record.raw(hash);
    record.varlong(zigzag(image.uploadedAt()));
    record.varlong(zigzag(image.version()));
    store(slot, record.toArray());
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

  private void store(int slot, byte[] record) {
    if (record.length > LARGE) {
      large.put(slot, record);
      recordAt[slot >>> shift][slot & mask] = -1;
      return;
    }
    if (chunkUsed + record.length > CHUNK) {
      chunks.add(new byte[CHUNK]);
      chunkUsed = 0;
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
    RecordReader r = reader(slot);
    return r.string();
  }

  /** The image at a live slot, as searches hand it out (a new object each time). */
  IndexedImage image(int slot, String tenant) {
    RecordReader r = reader(slot);
    String id = r.string();
    int hashLength = r.varint();
    String hash = hashLength == 0 ? null : r.string(hashLength - 1);
    long uploadedAt = unzigzag(r.varlong());
    long version = unzigzag(r.varlong());
    Metadata extra = metadata.get(slot);
    IndexedImage image = new IndexedImage(id, tenant, uploadedAt, version, hash,
        extra == null ? List.of() : extra.tags(), extra == null ? Map.of() : extra.attributes());
    image.admissionFloor(floor(slot));
    return image;
  }

  /** Heap held here, for the benchmarks. */
  long heapBytes() {
    long bytes = (long) chunks.size() * CHUNK + ((long) chunksAllocated << shift) * (Integer.BYTES + Float.BYTES);
    for (byte[] record : large.values()) bytes += 16 + record.length;
    return bytes + (long) tableSize * Integer.BYTES;
  }

  private RecordReader reader(int slot) {
    int at = recordAt[slot >>> shift][slot & mask];
    return at < 0 ? new RecordReader(large.get(slot), 0) : new RecordReader(chunks.get(at >>> CHUNK_SHIFT), at & CHUNK_MASK);
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
      if (reader(entry(at) - 1).idEquals(key.utf8())) return at;
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
    RecordReader r = reader(slot);
    int length = r.varint();
    return hashOf(r.buffer, r.position, length);
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

  // ---------------------------------------------------------------- record encoding

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static final class RecordWriter {
    private byte[] buf;
    private int size;

    RecordWriter(int capacity) {
      buf = new byte[capacity];
    }

    void bytes(byte[] b) {
      varint(b.length);
      raw(b);
    }

    void raw(byte[] b) {
      if (size + b.length > buf.length) buf = Arrays.copyOf(buf, size + b.length + 32);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
    }

    void varint(int v) {
      varlong(v & 0xffffffffL);
    }

    void varlong(long v) {
      if (size + 10 > buf.length) buf = Arrays.copyOf(buf, size + 32);
      while ((v & ~0x7fL) != 0) {
        buf[size++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class RecordReader {
    final byte[] buffer;
    int position;

    RecordReader(byte[] buffer, int position) {
      this.buffer = buffer;
      this.position = position;
    }

    int varint() {
      return (int) varlong();
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = buffer[position++];
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) return v;
      }
    }

    String string() {
      return string(varint());
    }

    String string(int length) {
      String s = new String(buffer, position, length, StandardCharsets.UTF_8);
      position += length;
      return s;
    }

    boolean idEquals(byte[] id) {
      int length = varint();
      return length == id.length && Arrays.equals(buffer, position, position + length, id, 0, id.length);
    }
  }
}
