package dev.lookalike.server.http;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.server.query.ClusterQueries;
import dev.lookalike.server.query.NotReadyException;
import dev.lookalike.topology.runtime.LookalikeStreams;

/** What the routes share: the configuration and, once streams run, the query service. */
final class Api {

  private final LookalikeConfig config;
  private volatile ClusterQueries queries;
  private volatile LookalikeStreams streams;

  Api(LookalikeConfig config) {
    this.config = config;
  }

  void attach(ClusterQueries queries, LookalikeStreams streams) {
    this.queries = queries;
    this.streams = streams;
  }

  LookalikeConfig config() {
    return config;
  }

  ClusterQueries cluster() {
    ClusterQueries q = queries;
    if (q == null || streams == null || !streams.isRunning()) throw new NotReadyException("the service is starting or rebalancing");
    return q;
  }

  boolean ready() {
    return streams != null && streams.isRunning();
  }

  String streamsState() {
    return streams == null ? "NOT_STARTED" : streams.streams().state().toString();
  }

  /** The named vector a request targets: the given one, or the first configured. */
  VectorConfig vector(String targetVector) {
    if (targetVector == null || targetVector.isBlank()) return config.vectors().get(0);
    if (!config.hasVector(targetVector)) {
      throw new ApiException(400, "UNKNOWN_VECTOR", "unknown targetVector '" + targetVector + "'; configured: "
          + config.vectors().stream().map(VectorConfig::name).toList());
    }
    return config.vector(targetVector);
  }
}
