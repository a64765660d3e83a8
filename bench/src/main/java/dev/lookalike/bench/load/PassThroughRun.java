package dev.lookalike.bench.load;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.topology.Topic;
import dev.lookalike.topology.runtime.LookalikeStreams;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The baseline: the same input topic and value serde (Confluent wire format through the
 * registry, decoded and re-encoded per record), source straight to sink, under exactly the
 * Streams settings the service runs with ({@link LookalikeStreams#streamsProps}: EOS v2, commit
 * interval, no caching). What is left between it and the topology is the topology's own work.
 */
final class PassThroughRun<V> implements AutoCloseable {

  final String output;
  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  private Duration startToRunning = Duration.ZERO;

  PassThroughRun(EmbeddedKafka kafka, LookalikeConfig config, Topic<String, V> input) {
    this.output = config.applicationId() + ".passthrough.out";
    for (String topic : List.of(input.name(), output)) kafka.createTopic(topic, config.topicPartitions(), Map.of());
    Topology topology = new Topology();
    topology.addSource("source", new StringDeserializer(), input.valueSerde().deserializer(), input.name());
    topology.addSink("sink", output, new StringSerializer(), input.valueSerde().serializer(), "source");
    streams = new KafkaStreams(topology, LookalikeStreams.streamsProps(config, null));
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) running.countDown();
    });
  }

  void start(Duration timeout) {
    long t0 = System.nanoTime();
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IllegalStateException("baseline not RUNNING within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    startToRunning = Duration.ofNanos(System.nanoTime() - t0);
  }

  Duration startToRunning() {
    return startToRunning;
  }


  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
