package dev.lookalike.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

public class ApiKeysTest {

  public static String hash(String key) {
    return HexFormat.of().formatHex(ApiKeys.sha256(key.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keysAreCheckedAgainstTheirHashesAndMapToTenants() {
    ApiKeys keys = ApiKeys.parse(List.of(hash("alpha-key") + ":acme", hash("beta-key").toUpperCase() + ":globex"));
    assertThat(keys.enabled()).isTrue();
    assertThat(keys.tenantOf("alpha-key")).contains("acme");
    assertThat(keys.tenantOf("beta-key")).contains("globex");
    assertThat(keys.tenantOf("alpha-key ")).isEmpty();
    assertThat(keys.tenantOf(hash("alpha-key"))).as("the hash itself is not a key").isEmpty();
    assertThat(keys.tenantOf(null)).isEmpty();
    assertThat(ApiKeys.parse(List.of()).enabled()).isFalse();
    assertThat(keys.tenants()).isEqualTo(2);
    assertThat(ApiKeys.parse(List.of(hash("a") + ":acme", hash("b") + ":acme")).tenants()).as("two keys, one tenant").isEqualTo(1);
  }

  @Test
  void thePeerTokenComesFromThePeerSecretAloneAndNotFromTheKeyHashes() {
    ApiKeys one = ApiKeys.parse(List.of(hash("a") + ":t1", hash("b") + ":t2"), "shared secret");
    ApiKeys two = ApiKeys.parse(List.of(hash("c") + ":t1"), "shared secret");
    ApiKeys other = ApiKeys.parse(List.of(hash("a") + ":t1", hash("b") + ":t2"), "another secret");
    assertThat(one.peerToken()).isEqualTo(two.peerToken()).isNotEqualTo(other.peerToken()).doesNotContain("shared");
    assertThat(one.isPeerToken(two.peerToken())).isTrue();
    assertThat(one.isPeerToken(other.peerToken())).isFalse();
    assertThat(one.isPeerToken("shared secret")).as("the secret itself is not the token").isFalse();
    assertThat(one.isPeerToken("a")).isFalse();
    assertThat(one.isPeerToken("")).isFalse();
    assertThat(one.isPeerToken(null)).isFalse();
    assertThat(one.isPeerToken("\0")).isFalse();
    assertThat(one.isPeerToken("\0".repeat(64))).isFalse();
    assertThat(one.isPeerToken(one.peerToken() + "\0")).isFalse();
  }

  @Test
  void withoutAPeerSecretEveryInstanceHasATokenOfItsOwn() {
    List<String> keys = List.of(hash("a") + ":t1");
    ApiKeys one = ApiKeys.parse(keys, "");
    ApiKeys two = ApiKeys.parse(keys, "");
    assertThat(one.peerToken()).hasSize(64).isNotEqualTo(two.peerToken());
    assertThat(one.isPeerToken(one.peerToken())).isTrue();
    assertThat(two.isPeerToken(one.peerToken())).isFalse();
  }

  @Test
  void malformedEntriesAreRejectedWithoutEchoingThem() {
    assertThatThrownBy(() -> ApiKeys.parse(List.of("plaintext-key:acme")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sha256hex:tenant").hasMessageNotContaining("plaintext-key");
    assertThatThrownBy(() -> ApiKeys.parse(List.of(hash("x") + ":"))).isInstanceOf(ConfigException.class);
  }
}
