package dev.lookalike.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * The keys that may read {@code /metrics}, configured as SHA-256 hashes like the API keys but
 * bound to no tenant: the metrics count every tenant's traffic, so no tenant's key should read them.
 */
public final class MetricsKeys {

  private final List<byte[]> hashes;

  private MetricsKeys(List<byte[]> hashes) {
    this.hashes = List.copyOf(hashes);
  }

  /** @param configured SHA-256 hashes in hex */
  public static MetricsKeys parse(List<String> configured) {
    List<byte[]> hashes = new ArrayList<>();
    for (String item : configured) {
      String hex = item.trim().toLowerCase();
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new ConfigException("auth.metrics.keys", "(hidden)", "entries must be SHA-256 hashes (64 hex digits)");
      }
      hashes.add(HexFormat.of().parseHex(hex));
    }
    return new MetricsKeys(hashes);
  }

  public boolean enabled() {
    return !hashes.isEmpty();
  }

  /** Compares with every configured hash, match or not, as {@link ApiKeys} does. */
  public boolean accepts(String presented) {
    if (presented == null || presented.isEmpty()) return false;
    byte[] hash = ApiKeys.sha256(presented.getBytes(StandardCharsets.UTF_8));
    boolean found = false;
    for (byte[] configured : hashes) found |= MessageDigest.isEqual(configured, hash);
    return found;
  }
}
