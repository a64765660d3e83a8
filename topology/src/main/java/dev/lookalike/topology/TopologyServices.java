package dev.lookalike.topology;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the topology needs from outside Kafka: the registry, the embedders (one per named
 * vector), image decoding and fetching, a clock, and the registry its meters go to (the server's
 * Prometheus registry; tests pass a SimpleMeterRegistry). Passed in, so tests run the production
 * topology with real parts of their choosing.
 */
public record TopologyServices(SchemaRegistryClient registry, List<Embedder> embedders, ImageDecoder decoder,
                               UrlFetcher fetcher, Clock clock, MeterRegistry meters) {

  public Map<String, Embedder> embeddersByName() {
    return embedders.stream().collect(Collectors.toUnmodifiableMap(Embedder::name, Function.identity()));
  }
}
