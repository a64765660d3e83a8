package dev.lookalike.server.http;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.server.events.DuplicateFeed;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.TopologyServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API with a duplicate feed attached, on an in-process broker and without Kafka Streams:
 * what the live-stream tests need. Closing it closes the API (again, if a test already did), the
 * feed and the broker.
 */
final class LiveStreamServer implements AutoCloseable {

  final HttpApi api;
  final DuplicateFeed feed;
  private final EmbeddedKafka kafka;
  private final ImageFetcher fetcher;

  private LiveStreamServer(EmbeddedKafka kafka, ImageFetcher fetcher, HttpApi api, DuplicateFeed feed) {
    this.kafka = kafka;
    this.fetcher = fetcher;
    this.api = api;
    this.feed = feed;
  }

  static LiveStreamServer start(Map<String, String> settings) {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      return start(kafka, settings);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  private static LiveStreamServer start(EmbeddedKafka kafka, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put(LookalikeConfig.HTTP_PORT, "0");
    all.put(LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    LookalikeConfig config = LookalikeConfig.of(all);
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    Topics topics = Topics.create(config, registry);
    kafka.createTopic(topics.nearDuplicates().name(), 1, Map.of());
    ImageFetcher fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = new TopologyServices(registry, List.of(new PerceptualEmbedder()), new ImageDecoder(),
        url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
    HttpApi api = HttpApi.start(config, services, fetcher);
    DuplicateFeed feed = DuplicateFeed.start(config, topics.nearDuplicates());
    api.attach(feed);
    return new LiveStreamServer(kafka, fetcher, api, feed);
  }

  String liveUrl() {
    return "http://127.0.0.1:" + api.port() + DuplicateRoutes.LIVE_PATH;
  }

  @Override
  public void close() {
    api.close();
    feed.close();
    fetcher.close();
    kafka.close();
  }
}
