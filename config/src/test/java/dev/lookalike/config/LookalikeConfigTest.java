package dev.lookalike.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LookalikeConfigTest {

  @Test
  void defaultsAreUsable() {
    LookalikeConfig config = LookalikeConfig.of(Map.of());
    assertThat(config.topicNames().uploaded()).isEqualTo("images.uploaded");
    assertThat(config.vectors()).extracting(VectorConfig::name).containsExactly("perceptual");
    assertThat(config.vector("perceptual").duplicateThreshold()).isEqualTo((float) VectorConfig.DEFAULT_DUPLICATE_THRESHOLD);
    assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
  }

  @Test
  void fileOverridesDefaultsAndEnvOverridesFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lookalike.properties");
    Files.writeString(file, """
        bootstrap.servers=file:9092
        http.port=9000
        vectors=perceptual,other
        vector.other.recommend.k=3
        vector.perceptual.duplicate.threshold=0.8
        kafka.linger.ms=7
        """);
    LookalikeConfig config = LookalikeConfig.load(file, Map.of(
        "LOOKALIKE_HTTP_PORT", "9100",
        "LOOKALIKE_VECTOR_OTHER_RECOMMEND_K", "4",
        "LOOKALIKE_KAFKA_SECURITY_PROTOCOL", "SSL",
        "UNRELATED", "x"));
    assertThat(config.bootstrapServers()).isEqualTo("file:9092");
    assertThat(config.httpPort()).isEqualTo(9100);
    assertThat(config.vector("other").recommendK()).isEqualTo(4);
    assertThat(config.vector("perceptual").duplicateThreshold()).isEqualTo(0.8f);
    assertThat(config.kafkaOverrides()).containsEntry("linger.ms", "7").containsEntry("security.protocol", "SSL");
  }

  @Test
  void keysNoSettingReadsAreListedSoATypoIsNoticed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("typos.properties"), String.join("\n",
        "bootstrap.server=broker:9092", // the typo that left localhost:9092 in force
        "bootstrap.servers=broker:9092",
        "kafka.security.protocol=SASL_SSL",
        "vectors=clip",
        "vector.clip.embedder=perceptual",
        "vector.clip.duplicate.treshold=0.9",
        "vector.other.embedder=onnx"));
    LookalikeConfig config = LookalikeConfig.load(file, Map.of());
    assertThat(config.unknownKeys()).containsExactly("bootstrap.server", "vector.clip.duplicate.treshold", "vector.other.embedder");
    assertThat(LookalikeConfig.of(Map.of()).unknownKeys()).isEmpty();
    assertThatThrownBy(() -> LookalikeConfig.load(dir.resolve("absent.properties"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageEndingWith("absent.properties: no such file");
    // The example the README points to is read without a warning.
    assertThat(LookalikeConfig.load(Path.of("lookalike.example.properties"), Map.of()).unknownKeys()).isEmpty();
  }

  /**
   * LOOKALIKE_BOOTSTRAP_SERVER (no S) left localhost:9092 in force without a word, where bootstrap.server in the
   * file was warned about; an operator configuring a container by environment had only the defaults to go on.
   */
  @Test
  void environmentVariablesThatNoSettingReadsAreNamed() {
    Map<String, String> env = Map.of(
        "LOOKALIKE_BOOTSTRAP_SERVER", "kafka:9092",                 // typo
        "LOOKALIKE_BOOTSTRAP_SERVERS", "kafka:9092",
        "LOOKALIKE_TOPIC_DEAD_LETTER", "dl",                        // topic.dead-letter
        "LOOKALIKE_VECTORS", "perceptual,azure",
        "LOOKALIKE_VECTOR_AZURE_API_KEY", "k",                      // a configured vector's setting
        "LOOKALIKE_VECTOR_CLIP_MODEL_PATH", "m.onnx",               // a vector that is not configured
        "LOOKALIKE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",            // Kafka clients' own
        "LOOKALIKE_JAVA_OPTS", "-Xmx2g",                            // the launcher's
        "LOOKALIKE_API_KEY", "k",                                   // lookalike search's
        "PATH", "/usr/bin");
    LookalikeConfig config = LookalikeConfig.load(null, env);
    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.unknownEnv(env)).containsExactly("LOOKALIKE_BOOTSTRAP_SERVER", "LOOKALIKE_VECTOR_CLIP_MODEL_PATH");
    // The bench scripts' download cache and the browser test's Chromium are read by those, not by a setting.
    assertThat(config.unknownEnv(Map.of("LOOKALIKE_CACHE", "/c", "LOOKALIKE_CHROMIUM", "/usr/bin/chromium"))).isEmpty();
  }

  @Test
  void programmaticValuesMayBeTypedOrStrings() {
    assertThat(LookalikeConfig.of(Map.of("topics.replication.factor", 3)).replicationFactor()).isEqualTo((short) 3);
    assertThat(LookalikeConfig.of(Map.of("topics.replication.factor", "3")).replicationFactor()).isEqualTo((short) 3);
  }

  @Test
  void badValuesAreRejectedWithTheKeyName() {
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of("http.port", "99999")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of("match.deleted.retention.ms", "59999")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("match.deleted.retention.ms").hasMessageContaining("-1 (forever)");
    assertThat(LookalikeConfig.of(Map.of("match.deleted.retention.ms", "-1")).matchDeletedRetentionMs()).isEqualTo(-1);
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of("vectors", "Bad Name")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("vector names");
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of("vector.perceptual.duplicate.threshold", "2")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("duplicate.threshold");
  }

  @Test
  void docsListEveryKeyWithItsEnvName() {
    String docs = ConfigDocs.markdown();
    for (String key : LookalikeConfig.CONFIG_DEF.names()) {
      assertThat(docs).contains("`" + key + "`").contains(LookalikeConfig.envName(key));
    }
    for (String key : VectorConfig.CONFIG_DEF.names()) {
      assertThat(docs).contains("`vector.<name>." + key + "`");
    }
  }
}
