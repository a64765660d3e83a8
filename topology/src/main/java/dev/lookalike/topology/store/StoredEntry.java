package dev.lookalike.topology.store;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * A vector store's in-memory value: a 64-bit hash of the full changelog value (so a snapshot's
 * entry can be matched against a replayed record without keeping the vector twice), then the
 * entry without its vector.
 */
final class StoredEntry {

  private StoredEntry() {}

  static byte[] of(long hash, byte[] payload) {
    return ByteBuffer.allocate(Long.BYTES + payload.length).putLong(hash).put(payload).array();
  }

  static long hashOf(byte[] stored) {
    return ByteBuffer.wrap(stored).getLong();
  }

  static byte[] payload(byte[] stored) {
    return Arrays.copyOfRange(stored, Long.BYTES, stored.length);
  }

  /** Two independent CRCs side by side: both are CPU instructions, so hashing a 2 KB value is cheap. */
  static long hash(byte[] value) {
    CRC32C high = new CRC32C();
    high.update(value);
    CRC32 low = new CRC32();
    low.update(value);
    return (high.getValue() << 32) | low.getValue();
  }
}
