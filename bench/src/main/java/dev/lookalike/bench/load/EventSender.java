package dev.lookalike.bench.load;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces events as a client of the service would (idempotent, acks=all, the image id as key,
 * the default partitioner). A saturation run serializes everything first, so the producer
 * outruns even the pass-through baseline and the time measured is the system's, not the
 * generator's; a paced run builds each event when it is due, so it carries its real upload
 * time. Latencies are measured from the moment an event is handed to the producer.
 */
final class EventSender implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private long maxBehindNanos;

  EventSender(String bootstrap, int maxRequestBytes) {
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        // Short linger: a paced run should not wait for batches; a burst still fills them.
        ProducerConfig.LINGER_MS_CONFIG, 1,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
  }

  /** Saturation: everything serialized up front, then sent as fast as the producer takes it. */
  <V> long[] burst(String topic, List<LoadEvent<V>> events, Serializer<V> values) {
    Instant now = Instant.now();
    byte[][] payloads = new byte[events.size()][];
    for (int i = 0; i < payloads.length; i++) payloads[i] = values.serialize(topic, events.get(i).build().apply(now));
    return send(topic, events, i -> payloads[i], 0);
  }

  /** Each event built when due: {@code perSecond} 0 sends as fast as they can be built (for large pre-stores). */
  <V> long[] paced(String topic, List<LoadEvent<V>> events, Serializer<V> values, double perSecond) {
    return send(topic, events, i -> values.serialize(topic, events.get(i).build().apply(Instant.now())), perSecond);
  }

  /** @return when each event was handed to the producer (System.nanoTime) */
  private long[] send(String topic, List<? extends LoadEvent<?>> events, IntFunction<byte[]> payload, double perSecond) {
    producer.partitionsFor(topic); // metadata now, not inside the first event's latency
    long[] sent = new long[events.size()];
    long start = System.nanoTime();
    double interval = perSecond > 0 ? 1e9 / perSecond : 0;
    for (int i = 0; i < events.size(); i++) {
      if (interval > 0) {
        long due = start + (long) (i * interval);
        for (long now; (now = System.nanoTime()) < due; ) LockSupport.parkNanos(due - now);
      }
      byte[] value = payload.apply(i);
      sent[i] = System.nanoTime();
      if (interval > 0) maxBehindNanos = Math.max(maxBehindNanos, sent[i] - start - (long) (i * interval));
      producer.send(new ProducerRecord<>(topic, events.get(i).id(), value), (meta, e) -> {
        if (e != null) failure.compareAndSet(null, e);
      });
      if (failure.get() != null) throw new IllegalStateException("producing failed", failure.get());
    }
    producer.flush();
    if (failure.get() != null) throw new IllegalStateException("producing failed", failure.get());
    return sent;
  }

  /** How far a paced send fell behind its schedule at worst (building the event included). */
  long maxBehindNanos() {
    return maxBehindNanos;
  }

  @Override
  public void close() {
    producer.close();
  }
}
