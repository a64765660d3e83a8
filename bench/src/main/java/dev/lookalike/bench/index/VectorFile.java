package dev.lookalike.bench.index;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads someone else's vectors, so the index benchmark can run on data we do not have: the
 * classic ANN files ({@code .fvecs}, {@code .bvecs} as in SIFT1M/1B) and NumPy's {@code .npy}
 * (a 2-D, C-ordered array of little-endian float32, float64 or uint8, as {@code numpy.save} writes
 * it). Every row comes back as float32; anything else is refused with a message that says what
 * was found and how to convert it.
 */
final class VectorFile {

  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern NPY_DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
  private static final Pattern NPY_FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern NPY_SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  private VectorFile() {}

  static float[][] read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".fvecs")) return Vecs.readFloats(file);
    if (name.endsWith(".bvecs")) return readBvecs(file);
    if (name.endsWith(".npy")) return readNpy(file);
    throw new IOException(file + ": unknown format; give .fvecs, .bvecs or .npy (bench/run-index-bench.sh converts "
        + "an ann-benchmarks .hdf5 file itself; by hand: python3 -c \"import h5py, numpy; "
        + "numpy.save('train.npy', h5py.File('F.hdf5')['train'][:])\", and the same for 'test')");
  }

  /** Each row: int32 dims, then dims unsigned bytes (SIFT1B's format). */
  private static float[][] readBvecs(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      int dims = littleInt(in.readNBytes(4));
      long rowBytes = 4L + dims;
      if (dims <= 0 || size % rowBytes != 0) {
        throw new IOException(file + ": not a .bvecs file (first row claims " + dims + " dims, size " + size + ")");
      }
      float[][] rows = new float[Math.toIntExact(size / rowBytes)][dims];
      byte[] row = new byte[dims];
      for (int i = 0; i < rows.length; i++) {
        if (i > 0 && littleInt(in.readNBytes(4)) != dims) throw new IOException(file + ": row " + i + " has another length");
        if (in.readNBytes(row, 0, dims) != dims) throw new IOException(file + ": truncated");
        for (int d = 0; d < dims; d++) rows[i][d] = row[d] & 0xff;
      }
      return rows;
    }
  }

  private static float[][] readNpy(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      NpyHeader header = NpyHeader.read(in, file);
      float[][] rows = new float[header.rows][header.dims];
      byte[] raw = new byte[header.dims * header.width];
      ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] row : rows) {
        if (in.readNBytes(raw, 0, raw.length) != raw.length) throw new IOException(file + ": truncated");
        buffer.clear();
        for (int d = 0; d < row.length; d++) {
          row[d] = switch (header.width) {
            case 1 -> raw[d] & 0xff;
            case 4 -> buffer.getFloat();
            default -> (float) buffer.getDouble();
          };
        }
      }
      return rows;
    }
  }

  /** The .npy header: a magic string, a version, a length, and a Python dict literal. */
  private record NpyHeader(int rows, int dims, int width) {

    static NpyHeader read(InputStream in, Path file) throws IOException {
      byte[] magic = in.readNBytes(6);
      if (!Arrays.equals(magic, NPY_MAGIC)) throw new IOException(file + ": not a .npy file");
      int major = in.read();
      in.read(); // minor
      byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
      int length = major == 1 ? (lengthBytes[0] & 0xff) | (lengthBytes[1] & 0xff) << 8 : littleInt(lengthBytes);
      String dict = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
      String descr = group(NPY_DESCR, dict, file, "descr");
      int width = switch (descr) {
        case "<f4" -> 4;
        case "<f8" -> 8;
        case "|u1", "<u1" -> 1;
        default -> throw new IOException(file + ": dtype " + descr + " is not supported; save float32 "
            + "(numpy.save(f, x.astype('<f4')))");
      };
      if (group(NPY_FORTRAN, dict, file, "fortran_order").equals("True")) {
        throw new IOException(file + ": Fortran order; save a C-ordered copy (numpy.ascontiguousarray)");
      }
      String[] shape = group(NPY_SHAPE, dict, file, "shape").split(",");
      if (shape.length < 2 || shape[1].isBlank() || shape.length > 2 && !shape[2].isBlank()) {
        throw new IOException(file + ": shape (" + String.join(",", shape) + ") is not 2-D (rows, dims)");
      }
      return new NpyHeader(Integer.parseInt(shape[0].trim()), Integer.parseInt(shape[1].trim()), width);
    }

    private static String group(Pattern pattern, String dict, Path file, String key) throws IOException {
      Matcher m = pattern.matcher(dict);
      if (!m.find()) throw new IOException(file + ": .npy header has no " + key + ": " + dict.trim());
      return m.group(1);
    }
  }

  private static int littleInt(byte[] b) throws IOException {
    if (b.length != 4) throw new IOException("truncated");
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
