package dev.lookalike.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class PeerClientTest {

  /**
   * A peer's HTTP server closes connections that sat idle (Jetty after 30 s), and the pool does
   * not notice until it reuses one: that must not become a 503 on a healthy cluster.
   */
  @Test
  void aPooledConnectionThePeerClosedIsReplacedNotReportedAsAnOutage() throws Exception {
    try (MockWebServer peer = new MockWebServer(); PeerClient client = new PeerClient(Duration.ofSeconds(5), "token")) {
      peer.enqueue(new MockResponse().setBody("first").setSocketPolicy(SocketPolicy.DISCONNECT_AT_END));
      peer.enqueue(new MockResponse().setBody("second"));
      HostInfo host = new HostInfo(peer.getHostName(), peer.getPort());

      assertThat(client.get(host, "/internal/v1/a")).map(b -> new String(b, StandardCharsets.UTF_8)).contains("first");
      assertThat(client.get(host, "/internal/v1/b")).map(b -> new String(b, StandardCharsets.UTF_8)).contains("second");
      assertThat(peer.takeRequest().getHeader(PeerClient.PEER_HEADER)).isEqualTo("token");
    }
  }

  @Test
  void aPeerThatIsGoneIsNotReadyNamingNoHost() throws Exception {
    MockWebServer gone = new MockWebServer();
    gone.start();
    HostInfo host = new HostInfo(gone.getHostName(), gone.getPort());
    gone.shutdown();
    try (PeerClient client = new PeerClient(Duration.ofSeconds(5), "token")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.get(host, "/internal/v1/a"))
          .isInstanceOf(NotReadyException.class)
          .hasMessageStartingWith("another instance did not answer")
          .hasMessageNotContaining(String.valueOf(host.port()));
    }
  }
}
