package dev.lookalike.topology.store.hnsw;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Bulk reads and writes of primitive arrays: a million vectors are gigabytes, not calls per value. */
final class SnapshotIO {

  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

  void writeInts(DataOutputStream out, int[] values, int offset, int length) throws IOException {
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, buffer.capacity() / Integer.BYTES);
      buffer.clear();
      buffer.asIntBuffer().put(values, offset + done, n);
      out.write(buffer.array(), 0, n * Integer.BYTES);
      done += n;
    }
  }

  void readInts(DataInputStream in, int[] values, int offset, int length) throws IOException {
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, buffer.capacity() / Integer.BYTES);
      in.readFully(buffer.array(), 0, n * Integer.BYTES);
      buffer.clear();
      buffer.asIntBuffer().get(values, offset + done, n);
      done += n;
    }
  }

  void writeFloats(DataOutputStream out, float[] values, int offset, int length) throws IOException {
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, buffer.capacity() / Float.BYTES);
      buffer.clear();
      buffer.asFloatBuffer().put(values, offset + done, n);
      out.write(buffer.array(), 0, n * Float.BYTES);
      done += n;
    }
  }

  void readFloats(DataInputStream in, float[] values, int offset, int length) throws IOException {
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, buffer.capacity() / Float.BYTES);
      in.readFully(buffer.array(), 0, n * Float.BYTES);
      buffer.clear();
      buffer.asFloatBuffer().get(values, offset + done, n);
      done += n;
    }
  }
}
