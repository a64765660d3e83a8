package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Stopping the server ends its live near-duplicate streams first. It used to stop Jetty under
 * them: each stream's writer found out at its next keep-alive, up to 15 s later, and Javalin then
 * finished a request Jetty had already recycled, logging four stack traces per client (seen in CI
 * after every test class whose page test had a live stream open).
 */
class LiveStreamShutdownTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // reading the stream to its end blocks if the server never ends it
  void stoppingTheServerEndsItsLiveStreamsAtOnceAndQuietly() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger javalin = (Logger) LoggerFactory.getLogger("io.javalin");
    EmbeddedKafka kafka = EmbeddedKafka.start();
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0", LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    Topics topics = Topics.create(config, registry);
    kafka.createTopic(topics.nearDuplicates().name(), 1, Map.of());
    ImageFetcher fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = new TopologyServices(registry, List.of(new PerceptualEmbedder()), new ImageDecoder(),
        url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
    HttpApi api = HttpApi.start(config, services, fetcher);
    try (kafka; DuplicateFeed feed = DuplicateFeed.start(config, topics.nearDuplicates())) {
      api.attach(feed);
      log.start();
      javalin.addAppender(log);
      HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + api.port() + DuplicateRoutes.LIVE_PATH)).header("accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofLines());
      assertThat(response.statusCode()).isEqualTo(200);
      Iterator<String> lines = response.body().iterator();
      assertThat(lines.next()).as("the opening comment").startsWith(":");
      assertThat(api.liveClients()).isEqualTo(1);
      assertThat(feed.subscriberCount()).isEqualTo(1);

      long stopping = System.nanoTime();
      api.close();
      // Well under the 15-s keep-alive: the stream was ended, not found broken later.
      await().atMost(Duration.ofSeconds(5)).until(() -> api.liveClients() == 0 && feed.subscriberCount() == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(DuplicateRoutes.KEEP_ALIVE_SECONDS));
      while (lines.hasNext()) lines.next(); // the client sees the stream end (the connection closes)
      assertThat(log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())).isEmpty();
    } finally {
      javalin.detachAppender(log);
      api.close();
      fetcher.close();
    }
  }
}
