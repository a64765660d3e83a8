package dev.lookalike.server.dev;

import dev.lookalike.config.LookalikeConfig;
import java.nio.file.Path;
import java.util.Map;

/** The service configuration dev mode runs with: the user's settings, pointed at the embedded stack. */
final class DevConfig {

  private DevConfig() {}

  /**
   * A restart with --data-dir finds the previous run's Streams member still in the group, and
   * the first rebalance waits until its session expires: 45 s by default, 10 s here.
   */
  static final String SESSION_TIMEOUT = LookalikeConfig.KAFKA_PREFIX + "session.timeout.ms";

  static LookalikeConfig forStack(LookalikeConfig base, String bootstrapServers, String registryUrl,
                                  DevOptions options, Path stateDir) {
    boolean userChose = base.originals().containsKey(SESSION_TIMEOUT);
    // Private networks are fetched unless the user's file or environment says otherwise: someone
    // trying the SSRF guard (or a shared machine's dev stack) with fetch.allow.private.networks=false
    // found it silently set back to true.
    boolean privateChosen = base.originals().containsKey(LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS);
    LookalikeConfig withDefaults = userChose ? base : base.with(Map.of(SESSION_TIMEOUT, "10000"));
    if (!privateChosen) {
      // Lets people try image URLs served from their own machine (http://localhost:8000/cat.jpg).
      withDefaults = withDefaults.with(Map.of(LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, true));
    }
    return withDefaults.with(Map.of(
        LookalikeConfig.BOOTSTRAP_SERVERS, bootstrapServers,
        LookalikeConfig.SCHEMA_REGISTRY_URL, registryUrl,
        // Dev mode is for this machine only.
        LookalikeConfig.HTTP_HOST, "127.0.0.1",
        LookalikeConfig.HTTP_PORT, options.httpPort(),
        LookalikeConfig.TOPICS_CREATE, true,
        LookalikeConfig.TOPICS_PARTITIONS, options.partitions(),
        LookalikeConfig.TOPICS_REPLICATION_FACTOR, 1,
        LookalikeConfig.STATE_DIR, stateDir.toString()));
  }
}
