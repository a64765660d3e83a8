package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka Streams client metrics HttpApi binds reach /metrics under the names the Grafana dashboard uses. */
class KafkaStreamsMetricsTest {

  @TempDir Path stateDir;

  @Test
  void streamThreadMetricsAreExported() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"); // never started: nothing connects
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      new KafkaStreamsMetrics(streams).bindTo(meters);
      assertThat(meters.scrape())
          .contains("kafka_stream_thread_process_rate{")
          .contains("kafka_stream_thread_commit_latency_avg{")
          .contains("thread_id=");
    }
  }
}
