package dev.lookalike.server.dev;

import java.nio.file.Path;

/**
 * How to run dev mode. Ports default to the well-known ones, so the CLI's own defaults
 * ({@code localhost:9092}) reach the embedded broker; 0 picks a free port.
 *
 * @param dataDir where Kafka's log, the registry's schemas and the state stores live, kept across runs; null for a
 *                temp dir deleted on exit
 */
public record DevOptions(int httpPort, int kafkaPort, int registryPort, int partitions, boolean samples, Path dataDir) {

  public DevOptions {
    checkPort(httpPort, "--http-port");
    checkPort(kafkaPort, "--kafka-port");
    checkPort(registryPort, "--registry-port");
    if (partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1");
  }

  public static DevOptions defaults() {
    return new DevOptions(8080, 9092, 8081, 4, true, null);
  }

  private static void checkPort(int port, String option) {
    if (port < 0 || port > 65535) throw new IllegalArgumentException(option + " must be 0-65535, not " + port);
  }
}
