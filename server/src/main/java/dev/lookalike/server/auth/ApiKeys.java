package dev.lookalike.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * API keys, configured only as SHA-256 hashes, each mapped to a tenant. A presented key is hashed
 * and compared with every configured hash in constant time, so neither timing nor an early exit
 * tells how close a guess came.
 */
public final class ApiKeys {

  private record Entry(byte[] hash, String tenant) {}

  private final List<Entry> entries;
  private final byte[] peerToken;
  private final byte[] peerTokenHash;

  private ApiKeys(List<Entry> entries, String peerSecret) {
    this.entries = List.copyOf(entries);
    this.peerToken = derivePeerToken(peerSecret);
    this.peerTokenHash = sha256(peerToken().getBytes(StandardCharsets.US_ASCII));
  }

  /** Keys without a peer secret: this instance makes up its own, so no other instance can call its internal API. */
  public static ApiKeys parse(List<String> configured) {
    return parse(configured, "");
  }

  /**
   * @param configured entries of the form {@code sha256hex:tenant}
   * @param peerSecret what the instances of one deployment share to call each other; empty: a random one
   */
  public static ApiKeys parse(List<String> configured, String peerSecret) {
    List<Entry> entries = new ArrayList<>();
    for (String item : configured) {
      int colon = item.indexOf(':');
      String hex = colon < 0 ? "" : item.substring(0, colon).trim().toLowerCase();
      String tenant = colon < 0 ? "" : item.substring(colon + 1).trim();
      if (!hex.matches("[0-9a-f]{64}") || tenant.isEmpty()) {
        throw new ConfigException("auth.api.keys", "(hidden)", "entries must be sha256hex:tenant (64 hex digits, a colon, a tenant)");
      }
      entries.add(new Entry(HexFormat.of().parseHex(hex), tenant));
    }
    return new ApiKeys(entries, peerSecret);
  }

  public boolean enabled() {
    return !entries.isEmpty();
  }

  /** How many tenants the keys name (several keys may share one). */
  public long tenants() {
    return entries.stream().map(Entry::tenant).distinct().count();
  }

  /** Who presented a key: its tenant, and which configured key it was (rate limits are per key). */
  public record Caller(String tenant, int keyIndex) {}

  /** The tenant of a presented key, if it is one of ours. */
  public Optional<String> tenantOf(String presentedKey) {
    return callerOf(presentedKey).map(Caller::tenant);
  }

  public Optional<Caller> callerOf(String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty()) return Optional.empty();
    byte[] hash = sha256(presentedKey.getBytes(StandardCharsets.UTF_8));
    Caller caller = null;
    for (int i = 0; i < entries.size(); i++) {
      // Every entry is compared, match or not.
      if (MessageDigest.isEqual(entries.get(i).hash(), hash) && caller == null) caller = new Caller(entries.get(i).tenant(), i);
    }
    return Optional.ofNullable(caller);
  }

  /**
   * What instances present to each other on the internal API, which answers for every tenant.
   * It comes from a secret of its own: the key hashes are no secret (they sit in configuration
   * files), and a token derived from them, as it once was, opened every tenant's images to anyone
   * who could read the configuration.
   */
  public String peerToken() {
    return HexFormat.of().formatHex(peerToken);
  }

  /**
   * Compares hashes, so the comparison takes the same time whatever was presented and a string
   * of another length never matches (comparing with zeros when the lengths differed, as this did,
   * let a run of NUL characters through wherever a client can send them).
   */
  public boolean isPeerToken(String presented) {
    return presented != null && MessageDigest.isEqual(sha256(presented.getBytes(StandardCharsets.UTF_8)), peerTokenHash);
  }

  /** A hash of the secret, so the secret itself never travels. */
  private static byte[] derivePeerToken(String peerSecret) {
    if (peerSecret == null || peerSecret.isEmpty()) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return random;
    }
    return sha256(("lookalike-peer\n" + peerSecret).getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
