package dev.lookalike.bench.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index benchmark on someone else's vectors: the three file formats read back the same rows,
 * and a prepared dataset is normalized, holds out its queries and has an exact ground truth.
 */
class ImportedDatasetTest {

  @TempDir Path dir;

  private final float[][] rows = gaussian(2_100, 24, 3);

  @Test
  void fvecsBvecsAndNpyReadBackTheirRows() throws IOException {
    Path fvecs = dir.resolve("a.fvecs");
    Vecs.writeFloats(fvecs, rows);
    assertThat(VectorFile.read(fvecs)).isDeepEqualTo(rows);

    float[][] small = {{1, 2, 3}, {4, 5, 6}};
    assertThat(VectorFile.read(npy("f4.npy", "<f4", "(2, 3)", small, 4))).isDeepEqualTo(small);
    assertThat(VectorFile.read(npy("f8.npy", "<f8", "(2, 3)", small, 8))).isDeepEqualTo(small);
    assertThat(VectorFile.read(npy("u1.npy", "|u1", "(2, 3)", small, 1))).isDeepEqualTo(small);

    Path bvecs = dir.resolve("a.bvecs");
    ByteBuffer b = ByteBuffer.allocate(2 * (4 + 3)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(3).put((byte) 0).put((byte) 128).put((byte) 255).putInt(3).put((byte) 1).put((byte) 2).put((byte) 3);
    Files.write(bvecs, b.array());
    assertThat(VectorFile.read(bvecs)).isDeepEqualTo(new float[][] {{0, 128, 255}, {1, 2, 3}});
  }

  @Test
  void refusesWhatItCannotReadAndSaysWhy() throws IOException {
    float[][] small = {{1, 2}, {3, 4}};
    assertThatThrownBy(() -> VectorFile.read(npy("i8.npy", "<i8", "(2, 2)", small, 8)))
        .hasMessageContaining("dtype <i8 is not supported");
    assertThatThrownBy(() -> VectorFile.read(npy("3d.npy", "<f4", "(2, 1, 2)", small, 4)))
        .hasMessageContaining("is not 2-D");
    Path hdf5 = Files.writeString(dir.resolve("glove.hdf5"), "x");
    assertThatThrownBy(() -> VectorFile.read(hdf5)).hasMessageContaining("h5py");
  }

  @Test
  void preparedDatasetIsNormalizedHoldsOutQueriesAndDropsRowsWithoutDirection() throws IOException {
    rows[5] = new float[24];
    rows[77][3] = Float.NaN;
    Path file = dir.resolve("mine.fvecs");
    Vecs.writeFloats(file, rows);

    Dataset.prepareImported(dir.resolve("file-mine"), "file-mine", file, null, 2);
    Dataset data = Dataset.load(dir.resolve("file-mine"));

    assertThat(data.queries()).hasNumberOfRows(Dataset.QUERIES);
    assertThat(data.base()).hasNumberOfRows(2_100 - 2 - Dataset.QUERIES);
    for (float[] v : data.base()) assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
    assertThat(Files.readString(dir.resolve("file-mine/meta.json")))
        .contains("(2,100 rows of 24 dims, 2 all-zero or non-finite rows dropped)", "\"dims\": 24");
    // The ground truth is the exact best match: check one query by brute force.
    int best = 0;
    for (int i = 1; i < data.base().length; i++) {
      if (dot(data.queries()[9], data.base()[i]) > dot(data.queries()[9], data.base()[best])) best = i;
    }
    assertThat(data.truth()[9][0]).isEqualTo(best);
  }

  @Test
  void aQueryFileGivesTheQueries() throws IOException {
    Path base = dir.resolve("base.fvecs");
    Path queries = dir.resolve("q.fvecs");
    Vecs.writeFloats(base, rows);
    Vecs.writeFloats(queries, gaussian(10, 24, 4));

    Dataset.prepareImported(dir.resolve("file-q"), "file-q", base, queries, 1);
    Dataset data = Dataset.load(dir.resolve("file-q"));

    assertThat(data.base()).hasNumberOfRows(2_100);
    assertThat(data.queries()).hasNumberOfRows(10);
    assertThat(data.truth()).hasNumberOfRows(10);
  }

  private Path npy(String name, String dtype, String shape, float[][] values, int width) throws IOException {
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int length = dict.length() + 1;
    length += (64 - (10 + length) % 64) % 64; // numpy pads the header to a multiple of 64 bytes
    String header = String.format("%-" + (length - 1) + "s\n", dict);
    ByteBuffer out = ByteBuffer.allocate(10 + length + values.length * values[0].length * width)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) length);
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float[] row : values) {
      for (float x : row) {
        switch (width) {
          case 1 -> out.put((byte) x);
          case 4 -> out.putFloat(x);
          default -> out.putDouble(x);
        }
      }
    }
    return Files.write(dir.resolve(name), out.array());
  }

  private static float[][] gaussian(int n, int dims, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[n][dims];
    for (float[] row : out) {
      for (int d = 0; d < dims; d++) row[d] = (float) (random.nextDouble() * 2 - 1 + (d % 3));
    }
    return out;
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) sum += (double) a[i] * b[i];
    return sum;
  }
}
