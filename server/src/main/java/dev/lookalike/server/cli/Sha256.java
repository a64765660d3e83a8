package dev.lookalike.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 checksums as people exchange them: 64 hexadecimal digits. */
final class Sha256 {

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private Sha256() {}

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  static String of(Path file) throws IOException {
    MessageDigest digest = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) != -1; ) digest.update(buffer, 0, n);
    }
    return hex(digest);
  }

  /** The checksum in lower case, or an explanation of why it is not one. */
  static String parse(String text) {
    String trimmed = text.strip();
    if (!HEX.matcher(trimmed).matches()) {
      throw new IllegalArgumentException("--sha256 must be 64 hexadecimal digits, got '" + text + "'"
          + (trimmed.length() == 64 ? "" : " (" + trimmed.length() + " characters)"));
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }
}
