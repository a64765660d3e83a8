package dev.lookalike.server.cli;

import dev.lookalike.config.LookalikeConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * Where the Kafka clients of {@code produce} and {@code tail} connect. The same settings as the
 * service's, so one properties file (and the same LOOKALIKE_* variables) serve both; the options
 * win over both.
 */
public final class ClientOptions {

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: localhost:9092, or $LOOKALIKE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--registry-url", paramLabel = "URL",
      description = "Base URL of the schema registry's Confluent-compatible API (default: "
          + LookalikeConfig.DEFAULT_SCHEMA_REGISTRY_URL + ", what lookalike dev runs, or $LOOKALIKE_SCHEMA_REGISTRY_URL). "
          + "A Confluent Schema Registry is http://host:8081; Apicurio is http://host:port/apis/ccompat/v7.")
  String registryUrl;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with Lookalike settings (topic names, kafka.* client settings such as security).")
  Path configFile;

  /** The configuration: defaults, then --config, then {@code env}, then the options above. */
  LookalikeConfig load(Map<String, String> env) {
    quietKafkaClients();
    Map<String, Object> overrides = new HashMap<>();
    if (bootstrapServers != null) overrides.put(LookalikeConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    if (registryUrl != null) overrides.put(LookalikeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    LookalikeConfig config = LookalikeConfig.load(configFile, env);
    warnOfUnknownKeys(config, configFile, env);
    return overrides.isEmpty() ? config : config.with(overrides);
  }

  /** A key no setting reads is usually a typo that leaves a default in force: say so (on stderr, like all logs). */
  static void warnOfUnknownKeys(LookalikeConfig config, java.nio.file.Path file, Map<String, String> env) {
    if (!config.unknownKeys().isEmpty()) {
      org.slf4j.LoggerFactory.getLogger("dev.lookalike.config").warn("{} sets {}, which no setting reads (a typo?); "
          + "`lookalike config-docs` lists the settings", file == null ? "the configuration" : file, config.unknownKeys());
    }
    List<String> unknownEnv = config.unknownEnv(env);
    if (!unknownEnv.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger("dev.lookalike.config").warn("the environment sets {}, which no setting reads (a typo, "
          + "or a vector not in vectors?); `lookalike config-docs` lists the settings and their variables", unknownEnv);
    }
  }

  /**
   * A cluster that is not there makes the Kafka clients warn at every reconnect attempt, hundreds
   * of lines a minute; the command's own error says it once, naming the address.
   */
  private static void quietKafkaClients() {
    if (org.slf4j.LoggerFactory.getLogger("org.apache.kafka.clients") instanceof ch.qos.logback.classic.Logger clients) {
      clients.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  /** Properties every client starts from: bootstrap servers plus the configured kafka.* pass-through. */
  static Properties kafkaProperties(LookalikeConfig config, String clientId) {
    Properties props = new Properties();
    props.putAll(config.kafkaOverrides());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return props;
  }
}
