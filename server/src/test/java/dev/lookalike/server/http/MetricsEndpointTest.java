package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.TestServices;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics: Prometheus text with the HTTP timer by route pattern, and the topology's meters from the shared registry. */
class MetricsEndpointTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final PrometheusMeterRegistry METERS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static String base;

  @BeforeAll
  static void start() {
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0"));
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher, METERS);
    api = HttpApi.start(config, services, fetcher);
    base = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void metricsShowRequestTimesByRoutePatternAndTheTopologysMeters() throws Exception {
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    get("/v1/images/some-image-id/similar"); // not attached to a topology: 503, still timed
    get("/no/such/route");
    new TopologyMetrics(METERS).eventsIn("images.uploaded").increment();
    new TopologyMetrics(METERS).matchPhase("perceptual", "search").record(java.time.Duration.ofMillis(2));

    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    String text = metrics.body();
    assertThat(text)
        .contains("# TYPE lookalike_http_request_seconds histogram")
        .contains("lookalike_http_request_seconds_count{route=\"/health/live\",status=\"200\"} 1")
        .contains("lookalike_http_request_seconds_count{route=\"/v1/images/{id}/similar\",status=\"503\"} 1")
        .contains("lookalike_http_request_seconds_count{route=\"unmatched\",status=\"404\"} 1")
        .doesNotContain("some-image-id")
        .doesNotContain("/no/such/route")
        .contains("lookalike_events_in_total{topic=\"images.uploaded\"} 1.0")
        .contains("lookalike_match_seconds_count{phase=\"search\",vector=\"perceptual\"} 1") // the dashboard's name
        .contains("jvm_memory_used_bytes");
  }

  /**
   * The process and JVM meters every JVM dashboard and alert reads (Grafana's Micrometer JVM dashboard, CPU and GC
   * alerts): /metrics had only JVM memory, so an operator's CPU, GC-pause, thread and restart panels stayed empty.
   */
  @Test
  void metricsHaveTheStandardProcessAndJvmMeters() throws Exception {
    String text = get("/metrics").body();
    assertThat(text)
        .contains("# TYPE process_cpu_usage gauge")
        .contains("# TYPE process_start_time_seconds gauge")
        .contains("# TYPE process_uptime_seconds gauge")
        .contains("# TYPE jvm_threads_live_threads gauge")
        .contains("# TYPE jvm_classes_loaded_classes gauge")
        .contains("# TYPE jvm_gc_max_data_size_bytes gauge")
        .contains("# TYPE process_cpu_seconds_total counter");
  }

  /**
   * What {@code promtool check metrics} (Prometheus 2.42) says of the meters we choose: every family has help text,
   * counters end in _total, no unit abbreviations (_ns, _ms), no _count/_sum/_bucket outside histograms and summaries.
   * Kafka's client metrics (kafka_*) keep Kafka's names and are left out. Binding ProcessorMetrics first brought
   * process_cpu_time_ns_total and system_cpu_count.
   */
  @Test
  void ourMetricFamiliesPassPromtoolsLint() throws Exception {
    new TopologyMetrics(METERS).deadLetter("MALFORMED_EVENT");
    String text = get("/metrics").body();
    Map<String, String> types = new java.util.TreeMap<>();
    java.util.Set<String> helped = new java.util.HashSet<>();
    for (String line : text.split("\n")) {
      String[] parts = line.split(" ", 4);
      if (line.startsWith("# TYPE ")) types.put(parts[2], parts[3]);
      if (line.startsWith("# HELP ") && parts.length == 4 && !parts[3].isBlank()) helped.add(parts[2]);
    }
    List<String> problems = new java.util.ArrayList<>();
    types.forEach((name, type) -> {
      if (name.startsWith("kafka_")) return;
      if (!helped.contains(name)) problems.add(name + ": no help text");
      if (type.equals("counter") && !name.endsWith("_total")) problems.add(name + ": counter without _total");
      if (name.matches(".*_(ns|us|ms)(_.*)?")) problems.add(name + ": abbreviated unit");
      if (!type.equals("histogram") && !type.equals("summary") && name.matches(".*_(count|sum|bucket)")) {
        problems.add(name + ": " + type + " with a _count/_sum/_bucket suffix");
      }
    });
    assertThat(types).containsKeys("lookalike_dead_letters_total", "process_cpu_usage", "jvm_memory_used_bytes");
    assertThat(problems).isEmpty();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
