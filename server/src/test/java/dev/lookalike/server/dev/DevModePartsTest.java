package dev.lookalike.server.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.TopicNames;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.serde.SpecificSchemas;
import dev.lookalike.server.dev.DevBanner.Samples;
import dev.lookalike.server.tls.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode's pieces; the whole of it is exercised end to end elsewhere. */
class DevModePartsTest {

  private static final TopicNames TOPICS = LookalikeConfig.of(Map.of()).topicNames();

  @Test
  void configPointsTheUsersSettingsAtTheEmbeddedStack() {
    LookalikeConfig base = LookalikeConfig.of(Map.of(LookalikeConfig.BOOTSTRAP_SERVERS, "prod:9092",
        LookalikeConfig.HTTP_HOST, "0.0.0.0", LookalikeConfig.VECTORS, "perceptual"));
    DevOptions options = new DevOptions(0, 0, 0, 3, true, null);

    LookalikeConfig config = DevConfig.forStack(base, "127.0.0.1:1234", "http://127.0.0.1:9/apis/ccompat/v7", options, Path.of("/tmp/st"));

    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:1234");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:9/apis/ccompat/v7");
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isZero();
    assertThat(config.topicPartitions()).isEqualTo(3);
    assertThat(config.stateDir()).isEqualTo("/tmp/st");
    assertThat(config.fetchAllowPrivateNetworks()).isTrue();
    assertThat(config.createTopics()).isTrue();
    assertThat(config.kafkaOverrides()).containsEntry("session.timeout.ms", "10000");
    LookalikeConfig chosen = base.with(Map.of("kafka.session.timeout.ms", "30000"));
    assertThat(DevConfig.forStack(chosen, "b:1", "http://r", options, Path.of("/s")).kafkaOverrides())
        .containsEntry("session.timeout.ms", "30000");
  }

  @Test
  void anExplicitChoiceOfPrivateNetworkFetchingIsKept() {
    DevOptions options = new DevOptions(0, 0, 0, 3, true, null);
    LookalikeConfig refused = LookalikeConfig.of(Map.of(LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, "false"));

    assertThat(DevConfig.forStack(refused, "b:1", "http://r", options, Path.of("/s")).fetchAllowPrivateNetworks())
        .as("--config FILE with fetch.allow.private.networks=false").isFalse();
    assertThat(DevConfig.forStack(LookalikeConfig.of(Map.of()), "b:1", "http://r", options, Path.of("/s"))
        .fetchAllowPrivateNetworks()).as("dev mode's default").isTrue();
  }

  @Test
  void optionsRejectNonsense() {
    assertThat(DevOptions.defaults()).isEqualTo(new DevOptions(8080, 9092, 8081, 4, true, null));
    assertThatThrownBy(() -> new DevOptions(70000, 0, 0, 1, true, null)).hasMessageContaining("--http-port");
    assertThatThrownBy(() -> new DevOptions(0, 0, 0, 0, true, null)).hasMessageContaining("--partitions");
  }

  @Test
  void aBusyPortFailsEarlyNamingTheOption() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> DevMode.requireFreePort(busy.getLocalPort(), "Kafka", "--kafka-port"))
          .hasMessageContaining("Port " + busy.getLocalPort() + " for Kafka is in use")
          .hasMessageContaining("--kafka-port");
    }
    DevMode.requireFreePort(0, "Kafka", "--kafka-port"); // 0 means any: nothing to check
  }

  @Test
  void bannerSaysWhereEverythingIsAndWhatToPaste() {
    String banner = DevBanner.render(new DevBanner.Info("http://127.0.0.1:8080", "127.0.0.1:9092",
        "http://127.0.0.1:8081/apis/ccompat/v7", TOPICS, Samples.PUBLISHED, 25, Path.of("/tmp/dev"), true,
        Duration.ofMillis(12_345)));

    assertThat(banner).contains(
        "Lookalike dev mode is up (12.3 s)",
        "http://127.0.0.1:8080/",
        "127.0.0.1:9092",
        "http://127.0.0.1:8081/apis/ccompat/v7",
        "images.uploaded", "images.near-duplicates", "images.recommendations", "images.dead-letter",
        "Published 25 sample images",
        "curl -s http://127.0.0.1:8080/v1/images/sample-00/duplicates",
        "curl -s http://127.0.0.1:8080/v1/images/sample-00/similar",
        "/v1/search",
        "./lookalike tail --topic near-duplicates --from-beginning --bootstrap-servers 127.0.0.1:9092"
            + " --registry-url http://127.0.0.1:8081/apis/ccompat/v7",
        "Ctrl-C");
  }

  /** A --config with HTTPS or keys: the banner's curl lines carry what curl then needs. */
  @Test
  void withHttpsAndKeysTheCurlLinesSayWhatTheyNeed() {
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_TLS_CERTIFICATE, "/etc/dev/cert.pem",
        LookalikeConfig.HTTP_TLS_PRIVATE_KEY, "/etc/dev/key.pem", LookalikeConfig.AUTH_API_KEYS, "ab:default"));
    String banner = DevBanner.render(new DevBanner.Info("https://127.0.0.1:8080", "127.0.0.1:9092", "http://r", TOPICS,
        Samples.PUBLISHED, 25, Path.of("/data"), false, Duration.ZERO, DevMode.curlOptions(config)));

    assertThat(banner).contains("curl -s --cacert /etc/dev/cert.pem -H 'x-api-key: YOUR_KEY' https://127.0.0.1:8080/v1/images/sample-00");
    assertThat(DevMode.curlOptions(LookalikeConfig.of(Map.of()))).isEmpty();
  }

  @Test
  void samplesAreCheckedOverHttpsTrustingTheServicesCertificate(@TempDir Path certificates) throws Exception {
    TestCertificates.Identity identity = TestCertificates.selfSigned(certificates, "localhost", "EC");
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(identity.serverSslContext()));
    server.createContext("/v1/images/", exchange -> {
      byte[] body = "{\"status\":\"EMBEDDED\"}".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String url = "https://localhost:" + server.getAddress().getPort();
      assertThat(SamplesReady.await(url, List.of("sample-00"), Duration.ofSeconds(30), Optional.of(identity.sslContext()))).isTrue();
      // Without the service's certificate the JVM's authorities refuse it: never ready.
      assertThat(SamplesReady.await(url, List.of("sample-00"), Duration.ofMillis(500))).isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void withoutSamplesTheExamplesUseAPlaceholder() {
    String banner = DevBanner.render(new DevBanner.Info("http://127.0.0.1:8080", "127.0.0.1:9092", "http://r",
        TOPICS, Samples.NONE, 0, Path.of("/data"), false, Duration.ZERO));

    assertThat(banner).contains("/v1/images/IMAGE_ID", "No sample images").doesNotContain("deleted on exit");
  }

  @Test
  void samplesAreReadyOnceTheApiKnowsEveryId() throws Exception {
    Set<String> asked = ConcurrentHashMap.newKeySet();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Each image is PENDING on the first ask, EMBEDDED after; "never" stays unknown.
    server.createContext("/v1/images/", exchange -> {
      String id = exchange.getRequestURI().getPath().substring("/v1/images/".length());
      if (id.equals("never")) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        byte[] body = ("{\"imageId\":\"" + id + "\",\"status\":\"" + (asked.add(id) ? "PENDING" : "EMBEDDED") + "\"}").getBytes();
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();

      assertThat(SamplesReady.await(url, List.of("sample-00", "sample-00-copy"), Duration.ofSeconds(30))).isTrue();
      assertThat(asked).containsExactlyInAnyOrder("sample-00", "sample-00-copy");
      assertThat(SamplesReady.await(url, List.of("never"), Duration.ofMillis(300))).isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void schemasAreRegisteredUnderTheTopicSubjects() {
    String prefix = "dev-test-" + UUID.randomUUID() + ".";
    TopicNames topics = new TopicNames(prefix + "uploaded", prefix + "embedded", prefix + "dups", prefix + "recs", prefix + "dlq");
    String url = ApicurioRegistry.shared().ccompatUrl();

    DevMode.registerSchemas(url, topics);

    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(url)) {
      assertThat(client.lookup(prefix + "uploaded-value", SpecificSchemas.portable(ImageUploaded.getClassSchema()))).isPresent();
      for (String topic : topics.all()) assertThat(client.latest(topic + "-value").version()).isEqualTo(1);
    }
  }
}
