package dev.lookalike.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.TestServices;
import dev.lookalike.server.http.HttpApi;
import dev.lookalike.server.query.PeerClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renewed certificate is served without a restart, and a half-written renewal is not. */
class CertificateReloaderTest {

  @TempDir
  Path dir;

  @Test
  void aRenewedPairIsServedToNewConnectionsAndTrustedForPeers() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    TestCertificates.Identity first = TestCertificates.selfSigned(dir.resolve("a"), "first", "EC");
    TestCertificates.Identity second = TestCertificates.selfSigned(dir.resolve("b"), "second", "EC");
    Path certificate = Files.copy(first.certificatePem(), dir.resolve("tls.crt"));
    Path key = Files.copy(first.keyPem(), dir.resolve("tls.key"));
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.HTTP_TLS_CERTIFICATE, certificate.toString(), LookalikeConfig.HTTP_TLS_PRIVATE_KEY, key.toString()));
    try (ImageFetcher fetcher = new ImageFetcher(FetcherConfig.defaults())) {
      HttpApi api = HttpApi.start(config, TestServices.perceptual(fetcher), fetcher);
      TrustedCertificates trusted = TrustedCertificates.of(TlsIdentity.from(config).orElseThrow());
      try (CertificateReloader reloader = new CertificateReloader(config, Duration.ofMillis(50), renewed -> {
        trusted.add(renewed.chain());
        api.reloadTls(renewed);
      }); PeerClient peers = new PeerClient(Duration.ofSeconds(5), "token", Optional.of(trusted))) {
        assertThat(presented(api.port(), first, second)).isEqualTo("CN=first");

        // The new certificate lands before its key: that pair does not check out, the old one stays.
        replace(second.certificatePem(), certificate);
        long now = reloader.readings();
        await().atMost(Duration.ofSeconds(10)).until(() -> reloader.readings() >= now + 2);
        assertThat(presented(api.port(), first, second)).isEqualTo("CN=first");

        replace(second.keyPem(), key);
        await().atMost(Duration.ofSeconds(10)).until(() -> presented(api.port(), first, second).equals("CN=second"));
        // An instance calling this one trusts the renewed certificate too.
        assertThat(new String(peers.get(new HostInfo("localhost", api.port()), "/health/live").orElseThrow(), StandardCharsets.UTF_8))
            .contains("UP");
      } finally {
        api.close();
      }
    }
  }

  private static void replace(Path from, Path to) throws Exception {
    Path next = Files.copy(from, to.resolveSibling(to.getFileName() + ".next"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The subject of the certificate a fresh handshake gets (a new context each time: no resumed session). */
  private static String presented(int port, TestCertificates.Identity... candidates) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    for (TestCertificates.Identity candidate : candidates) anchors.setCertificateEntry(candidate.certificatePem().toString(), candidate.certificate());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }
}
