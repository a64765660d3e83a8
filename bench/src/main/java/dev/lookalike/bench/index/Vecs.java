package dev.lookalike.bench.index;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The fvecs / ivecs files of the classic ANN benchmarks (each row: int32 length, then that many
 * little-endian float32 or int32), so the Python engines read the very same bytes with numpy.
 * Files are written to a temporary name and renamed: a killed run never leaves a half file that a
 * rerun would take for a cached one.
 */
final class Vecs {

  private Vecs() {}

  static void writeFloats(Path file, float[][] rows) throws IOException {
    write(file, rows.length, rows.length == 0 ? 0 : rows[0].length, (buffer, i) -> {
      for (float x : rows[i]) buffer.putFloat(x);
    });
  }

  static void writeInts(Path file, int[][] rows) throws IOException {
    write(file, rows.length, rows.length == 0 ? 0 : rows[0].length, (buffer, i) -> {
      for (int x : rows[i]) buffer.putInt(x);
    });
  }

  static float[][] readFloats(Path file) throws IOException {
    return read(file, (buffer, dims) -> {
      float[] row = new float[dims];
      buffer.asFloatBuffer().get(row);
      return row;
    }, float[][]::new);
  }

  static int[][] readInts(Path file) throws IOException {
    return read(file, (buffer, dims) -> {
      int[] row = new int[dims];
      buffer.asIntBuffer().get(row);
      return row;
    }, int[][]::new);
  }

  private interface RowWriter {
    void put(ByteBuffer buffer, int row);
  }

  private interface RowReader<T> {
    T get(ByteBuffer buffer, int dims);
  }

  private static void write(Path file, int rows, int dims, RowWriter writer) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      for (int i = 0; i < rows; i++) {
        buffer.clear();
        buffer.putInt(dims);
        writer.put(buffer, i);
        out.write(buffer.array(), 0, buffer.position());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static <T> T[] read(Path file, RowReader<T> reader, java.util.function.IntFunction<T[]> array)
      throws IOException {
    long size = Files.size(file);
    int dims;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      dims = Integer.reverseBytes(in.readInt());
    }
    long rowBytes = 4L + 4L * dims;
    if (size % rowBytes != 0) throw new IOException(file + ": size " + size + " is not a multiple of " + rowBytes);
    T[] rows = array.apply((int) (size / rowBytes));
    ByteBuffer buffer = ByteBuffer.allocate((int) rowBytes * 1024).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int next = 0;
      while (next < rows.length) {
        buffer.clear();
        buffer.limit((int) (Math.min(1024, rows.length - next) * rowBytes));
        while (buffer.hasRemaining()) {
          if (channel.read(buffer) < 0) throw new IOException(file + ": truncated");
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          if (buffer.getInt() != dims) throw new IOException(file + ": row " + next + " has another length");
          ByteBuffer row = buffer.slice(buffer.position(), 4 * dims).order(ByteOrder.LITTLE_ENDIAN);
          rows[next++] = reader.get(row, dims);
          buffer.position(buffer.position() + 4 * dims);
        }
      }
    }
    return rows;
  }
}
