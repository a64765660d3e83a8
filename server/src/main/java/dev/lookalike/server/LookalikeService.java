package dev.lookalike.server;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodeLimits;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.server.auth.ApiKeys;
import dev.lookalike.server.events.DuplicateFeed;
import dev.lookalike.server.http.HttpApi;
import dev.lookalike.server.query.ClusterQueries;
import dev.lookalike.server.query.PeerClient;
import dev.lookalike.server.tls.TrustedCertificates;
import dev.lookalike.server.tls.CertificateReloader;
import dev.lookalike.server.tls.TlsIdentity;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.runtime.LookalikeStreams;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.LoggerFactory;

/**
 * One Lookalike instance: the Kafka Streams topology and the HTTP API over its state. N instances
 * with the same application id share the partitions.
 */
public final class LookalikeService implements AutoCloseable {

  private final LookalikeConfig config;
  private final RestSchemaRegistryClient registry;
  private final ImageFetcher fetcher;
  private final List<Embedder> embedders;
  private final HttpApi http;
  private final LookalikeStreams streams;
  private final ClusterQueries cluster;
  private final PeerClient peers;
  private final DuplicateFeed duplicates;
  private final Optional<CertificateReloader> certificates;

  private LookalikeService(LookalikeConfig config, RestSchemaRegistryClient registry, ImageFetcher fetcher,
                           List<Embedder> embedders, HttpApi http, LookalikeStreams streams, ClusterQueries cluster,
                           PeerClient peers, DuplicateFeed duplicates, Optional<CertificateReloader> certificates) {
    this.config = config;
    this.registry = registry;
    this.fetcher = fetcher;
    this.embedders = embedders;
    this.http = http;
    this.streams = streams;
    this.cluster = cluster;
    this.peers = peers;
    this.duplicates = duplicates;
    this.certificates = certificates;
  }

  /** Creates topics, starts Kafka Streams and the HTTP server; returns once HTTP is listening. */
  public static LookalikeService start(LookalikeConfig config) {
    applyLogLevel(config.logLevel());
    Optional<TlsIdentity> tls = TlsIdentity.from(config); // a bad key or certificate fails here, before Kafka is touched
    RestSchemaRegistryClient registry = SchemaRegistries.create(config);
    Topics topics = Topics.create(config, registry);
    List<Embedder> embedders = Embedders.create(config);
    ImageDecoder decoder = new ImageDecoder(new DecodeLimits(config.imageMaxBytes(), config.imageMaxPixels()));
    ImageFetcher fetcher = new ImageFetcher(fetcherConfig(config));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TopologyServices services = new TopologyServices(registry, embedders, decoder, url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), meters);
    ApiKeys keys = ApiKeys.parse(config.apiKeys(), config.peerSecret());
    HttpApi http = HttpApi.start(config, services, fetcher, keys, tls);
    LookalikeStreams streams;
    HostInfo self = new HostInfo(advertisedHost(config), http.port());
    try {
      streams = LookalikeStreams.start(config, topics, services, self.host() + ":" + self.port());
    } catch (RuntimeException e) {
      http.close();
      fetcher.close();
      registry.close();
      throw e;
    }
    Optional<TrustedCertificates> trusted = tls.map(TrustedCertificates::of);
    PeerClient peers = new PeerClient(Duration.ofMillis(config.queryTimeoutMs()), keys.peerToken(), trusted);
    ClusterQueries cluster = new ClusterQueries(streams.streams(), peers, self, topics.embedded().name(), streams.partitions(),
        config.queryTimeoutMs());
    http.attach(cluster, streams);
    DuplicateFeed duplicates;
    try {
      duplicates = DuplicateFeed.start(config, topics.nearDuplicates());
    } catch (RuntimeException e) {
      http.close();
      cluster.close();
      peers.close();
      streams.close();
      fetcher.close();
      registry.close();
      throw e;
    }
    http.attach(duplicates);
    // A renewed certificate is served to new connections and trusted for calls to instances already serving it.
    Optional<CertificateReloader> certificates = trusted.filter(t -> config.httpTlsReloadIntervalMs() > 0)
        .map(t -> new CertificateReloader(config, Duration.ofMillis(config.httpTlsReloadIntervalMs()), renewed -> {
          t.add(renewed.chain());
          http.reloadTls(renewed);
        }));
    return new LookalikeService(config, registry, fetcher, embedders, http, streams, cluster, peers, duplicates, certificates);
  }

  /** log.level for the service's own loggers (dev.lookalike); a no-op unless Logback is the SLF4J backend. */
  static void applyLogLevel(String level) {
    if (LoggerFactory.getLogger("dev.lookalike") instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO));
    }
  }

  static FetcherConfig fetcherConfig(LookalikeConfig config) {
    return FetcherConfig.defaults()
        .withTimeouts(Duration.ofMillis(config.fetchConnectTimeoutMs()), Duration.ofMillis(config.fetchReadTimeoutMs()),
            Duration.ofMillis(config.fetchTotalTimeoutMs()))
        .withMaxBytes(config.imageMaxBytes())
        .withAllowPrivateNetworks(config.fetchAllowPrivateNetworks())
        .withAllowedHosts(Set.copyOf(config.fetchAllowedHosts()))
        .withRetries(config.fetchRetries(), Duration.ofMillis(config.fetchRetryBackoffMs()),
            Duration.ofMillis(config.fetchRetryBackoffMaxMs()));
  }

  private static String advertisedHost(LookalikeConfig config) {
    if (!config.advertisedHost().isEmpty()) return config.advertisedHost();
    if (!config.httpHost().equals("0.0.0.0")) return config.httpHost();
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  public String httpUrl() {
    String host = config.httpHost().equals("0.0.0.0") ? "localhost" : config.httpHost();
    return http.scheme() + "://" + host + ":" + http.port();
  }

  public boolean awaitReady(Duration timeout) {
    return streams.awaitRunning(timeout);
  }

  public LookalikeStreams streams() {
    return streams;
  }

  @Override
  public void close() {
    certificates.ifPresent(CertificateReloader::close);
    http.close();
    duplicates.close();
    cluster.close();
    peers.close();
    streams.close();
    fetcher.close();
    embedders.forEach(Embedder::close);
    registry.close();
  }
}
