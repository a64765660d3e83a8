package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lookalike.server.events.DuplicateFeed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
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
    try (LiveStreamServer server = LiveStreamServer.start(Map.of())) {
      HttpApi api = server.api;
      DuplicateFeed feed = server.feed;
      log.start();
      javalin.addAppender(log);
      HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
          URI.create(server.liveUrl())).header("accept", "text/event-stream").build(),
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
    }
  }
}
