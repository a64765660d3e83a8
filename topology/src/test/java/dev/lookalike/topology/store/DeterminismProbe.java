package dev.lookalike.topology.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Scores a fixed, seeded set of pairs and prints a digest of their exact bits, so that
 * {@link VectorMathTest} can compare JVMs started with different flags.
 */
public final class DeterminismProbe {

  private DeterminismProbe() {}

  public static void main(String[] args) {
    System.out.println("implementation=" + VectorMath.implementation());
    System.out.println("fingerprint=" + fingerprint());
  }

  /** The digest of the scores {@link VectorMath} gives in this JVM. */
  static String fingerprint() {
    return fingerprint(Kernel.PICKED);
  }

  /** The digest of the scores one implementation gives. */
  static String fingerprint(boolean vector) {
    return fingerprint(vector ? Kernel.VECTOR : Kernel.SCALAR);
  }

  private enum Kernel { PICKED, SCALAR, VECTOR }

  private static String fingerprint(Kernel kernel) {
    SplittableRandom random = new SplittableRandom(0x100CA11CEL);
    ByteBuffer bits = ByteBuffer.allocate(3000 * 4);
    for (int i = 0; i < 3000; i++) {
      int n = i < 1101 ? i : random.nextInt(1101);
      float[] a = VectorMathTest.gaussian(random, n);
      float[] b = VectorMathTest.gaussian(random, n);
      if (i % 2 == 0) {
        a = VectorMath.normalize(a);
        b = VectorMath.normalize(b);
      }
      float score = switch (kernel) {
        case PICKED -> VectorMath.dot(a, b);
        case SCALAR -> ScalarKernels.dot(a, 0, b, 0, n);
        case VECTOR -> VectorKernels.dot(a, 0, b, 0, n);
      };
      bits.putInt(Float.floatToRawIntBits(score));
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bits.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
