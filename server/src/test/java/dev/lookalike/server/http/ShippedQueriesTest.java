package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.TestServices;
import dev.lookalike.topology.LookalikeTopology;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.metrics.TopologyMetrics;
import dev.lookalike.topology.metrics.VectorStoreGauges;
import dev.lookalike.topology.runtime.LookalikeStreams;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queries we ship, docker/grafana-dashboard.json's panels and docker/prometheus-alerts.yml's rules, read
 * metrics that /metrics serves: a renamed meter leaves a panel empty and an alert silent, and neither says so.
 * The scrape comes from the production topology and HttpApi on one registry, and a (never started) KafkaStreams
 * over that topology for Kafka's own meters.
 */
class ShippedQueriesTest {

  private static final Path DASHBOARD = Path.of("..", "docker", "grafana-dashboard.json");
  private static final Path ALERTS = Path.of("..", "docker", "prometheus-alerts.yml");
  /** A metric name in PromQL: the families we and Kafka, Micrometer's JVM and process binders serve. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:lookalike|kafka|jvm|process)_[a-z0-9_]+)");

  @TempDir Path stateDir;

  @Test
  void everyMetricTheDashboardAndTheAlertsReadIsServed() throws Exception {
    Set<String> families = servedFamilies();
    List<String> missing = new ArrayList<>();
    for (String expr : shippedExpressions()) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        if (!served(m.group(1), families)) missing.add(m.group(1) + " in " + expr);
      }
    }
    assertThat(families).contains("lookalike_dead_letters_total", "kafka_stream_client_state"); // the scrape is real
    assertThat(missing).isEmpty();
  }

  @Test
  void theAlertRulesPassPromtool() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assumeTrue(Files.isExecutable(promtool), "promtool not installed (Debian: apt-get install prometheus)");
    Process check = new ProcessBuilder(promtool.toString(), "check", "rules", ALERTS.toString()).redirectErrorStream(true).start();
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }

  /** A histogram's family is served as name_bucket, name_count and name_sum. */
  private static boolean served(String name, Set<String> families) {
    if (families.contains(name)) return true;
    String base = name.replaceFirst("_(bucket|count|sum)$", "");
    return !base.equals(name) && families.contains(base);
  }

  private static List<String> shippedExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    new ObjectMapper().readTree(DASHBOARD.toFile()).findValues("expr").forEach(e -> exprs.add(e.asText()));
    JsonNode alerts = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
    alerts.path("groups").forEach(g -> g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
    assertThat(exprs).hasSizeGreaterThan(10);
    return exprs;
  }

  private Set<String> servedFamilies() throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0", LookalikeConfig.STATE_DIR, stateDir.toString(),
        LookalikeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1")); // never started: nothing connects
    ImageFetcher fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher, meters);
    // Meters born at their first use: the timers and the per-topic counters.
    TopologyMetrics metrics = new TopologyMetrics(meters);
    metrics.eventsIn("images.uploaded").increment();
    metrics.eventsOut("images.near-duplicates").increment();
    metrics.embedding("perceptual", TopologyMetrics.INGEST).record(Duration.ofMillis(1));
    metrics.matchPhase("perceptual", "store").record(Duration.ofMillis(1));
    try (HttpApi api = HttpApi.start(config, services, fetcher);
         KafkaStreams streams = new KafkaStreams(LookalikeTopology.build(config, Topics.create(config, services.registry()), services, 4),
             streamsProps(config))) {
      new KafkaStreamsMetrics(streams).bindTo(meters);
      VectorStoreGauges.bind(meters, streams, config.vectors());
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port();
      http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(), HttpResponse.BodyHandlers.discarding()); // the HTTP timer
      String text = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Set<String> families = new TreeSet<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("# TYPE ")) families.add(line.split(" ")[2]);
      }
      return families;
    } finally {
      fetcher.close();
    }
  }

  private static Properties streamsProps(LookalikeConfig config) {
    Properties props = LookalikeStreams.streamsProps(config, "127.0.0.1:0");
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    return props;
  }
}
