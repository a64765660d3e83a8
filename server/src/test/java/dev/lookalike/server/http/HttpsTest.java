package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.server.TestServices;
import dev.lookalike.server.query.NotReadyException;
import dev.lookalike.server.query.PeerClient;
import dev.lookalike.server.tls.TrustedCertificates;
import dev.lookalike.server.tls.TestCertificates;
import dev.lookalike.server.tls.TlsIdentity;
import dev.lookalike.topology.TopologyServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate configured the API speaks HTTPS only, and instances reach each other over it. */
class HttpsTest {

  @TempDir
  static Path dir;
  private static TestCertificates.Identity identity;
  private static HttpApi api;
  private static ImageFetcher fetcher;

  @BeforeAll
  static void start() {
    identity = TestCertificates.selfSigned(dir, "localhost", "RSA");
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.HTTP_TLS_KEYSTORE, identity.keystore().toString(),
        LookalikeConfig.HTTP_TLS_KEYSTORE_PASSWORD, TestCertificates.PASSWORD));
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher);
    api = HttpApi.start(config, services, fetcher);
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void aClientThatTrustsTheCertificateGetsAnswersOverHttps() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(identity.sslContext()).build();
    HttpResponse<String> live = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + api.port() + "/health/live")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("UP");
    assertThat(api.scheme()).isEqualTo("https");
  }

  @Test
  void plainHttpOnTheSamePortGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + "/health/live"))
        .timeout(Duration.ofSeconds(10)).build();
    Throwable failure = catchThrowable(() -> {
      HttpResponse<String> response = plain.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("a plain request must not be served").isNotEqualTo(200);
    });
    if (failure instanceof AssertionError error) throw error;
  }

  @Test
  void instancesSharingTheCertificateCallEachOtherOverHttps() {
    TlsIdentity own = TlsIdentity.fromKeystore(identity.keystore(), TestCertificates.PASSWORD.toCharArray());
    try (PeerClient peers = new PeerClient(Duration.ofSeconds(5), "token", Optional.of(TrustedCertificates.of(own)))) {
      byte[] body = peers.get(new HostInfo("localhost", api.port()), "/health/live").orElseThrow();
      assertThat(new String(body, StandardCharsets.UTF_8)).contains("UP");
    }
  }

  @Test
  void aCertificateThatDoesNotNameThePeersHostIsRefusedLikeAnUntrustedOne() {
    TestCertificates.Identity elsewhere = TestCertificates.selfSigned(dir, "elsewhere", "EC", "dns:elsewhere.example");
    HttpApi misnamed = HttpApi.start(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.HTTP_TLS_CERTIFICATE, elsewhere.certificatePem().toString(),
        LookalikeConfig.HTTP_TLS_PRIVATE_KEY, elsewhere.keyPem().toString())), new TopologyServices(new InMemorySchemaRegistryClient(),
        List.of(new PerceptualEmbedder()), new ImageDecoder(), url -> fetcher.fetch(url).bytes(), Clock.systemUTC(),
        new SimpleMeterRegistry()), fetcher);
    TlsIdentity shared = TlsIdentity.fromPem(elsewhere.certificatePem(), elsewhere.keyPem());
    try (PeerClient peers = new PeerClient(Duration.ofSeconds(5), "token", Optional.of(TrustedCertificates.of(shared)))) {
      assertThatThrownBy(() -> peers.get(new HostInfo("127.0.0.1", misnamed.port()), "/health/live"))
          .isInstanceOf(NotReadyException.class)
          .hasMessageContaining("(SSLPeerUnverifiedException)")
          .satisfies(e -> assertThat(((NotReadyException) e).code()).isEqualTo("MISCONFIGURED"));
    } finally {
      misnamed.close();
    }
  }

  @Test
  void aPeerThatIsDownIsNotReadyNotMisconfigured() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    TlsIdentity own = TlsIdentity.fromKeystore(identity.keystore(), TestCertificates.PASSWORD.toCharArray());
    try (PeerClient peers = new PeerClient(Duration.ofSeconds(5), "token", Optional.of(TrustedCertificates.of(own)))) {
      assertThatThrownBy(() -> peers.get(new HostInfo("localhost", closedPort), "/health/live"))
          .isInstanceOf(NotReadyException.class)
          .satisfies(e -> assertThat(((NotReadyException) e).code()).isEqualTo("NOT_READY"));
    }
  }

  @Test
  void anInstanceWithAnotherCertificateIsNotTrustedAndTheAnswerNamesTheSetting() {
    TestCertificates.Identity stranger = TestCertificates.selfSigned(dir, "stranger", "EC");
    TlsIdentity theirs = TlsIdentity.fromPem(stranger.certificatePem(), stranger.keyPem());
    try (PeerClient peers = new PeerClient(Duration.ofSeconds(5), "token", Optional.of(TrustedCertificates.of(theirs)))) {
      assertThatThrownBy(() -> peers.get(new HostInfo("localhost", api.port()), "/health/live"))
          .isInstanceOf(NotReadyException.class)
          .hasMessage("another instance's certificate is not trusted or does not name its host (SSLHandshakeException): every "
              + "instance needs the same http.tls certificate, naming each one's http.advertised.host")
          .satisfies(e -> assertThat(((NotReadyException) e).code()).isEqualTo("MISCONFIGURED"));
    }
  }
}
