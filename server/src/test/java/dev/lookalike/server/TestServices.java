package dev.lookalike.server;

import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.TopologyServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;

/** The services most HTTP tests start HttpApi with: the perceptual embedder, an in-memory registry, real fetching. */
public final class TestServices {

  private TestServices() {}

  public static TopologyServices perceptual(ImageFetcher fetcher) {
    return perceptual(fetcher, new SimpleMeterRegistry());
  }

  public static TopologyServices perceptual(ImageFetcher fetcher, MeterRegistry meters) {
    return new TopologyServices(new InMemorySchemaRegistryClient(), List.of(new PerceptualEmbedder()), new ImageDecoder(),
        url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), meters);
  }
}
