package dev.lookalike.topology.metrics;

import dev.lookalike.avro.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The topology's meters, named in Micrometer style (Prometheus adds the unit and _total):
 * <ul>
 *   <li>{@code lookalike.events.in{topic}}: records read from a topic, counted where the source
 *       deserializes them (tombstones included);
 *   <li>{@code lookalike.events.out{topic}}: records written to a topic, counted where the sink
 *       serializes them;
 *   <li>{@code lookalike.dead.letters{reason}}: dead letters written, by error code;
 *   <li>{@code lookalike.embedding{vector,stage}}: time of one embedder call (histogram);
 *   <li>{@code lookalike.match{vector,phase}}: the match stage's time per upload, by phase (histogram);
 *   <li>{@code lookalike.match.lists{vector,outcome}}: other images' neighbour lists the match stage
 *       read (outcome read) and changed (outcome changed).
 * </ul>
 * Counters are looked up once, when the topology is built (per topic) or on first use (per reason,
 * per vector), so counting a record is one increment. Every method is thread-safe: one instance
 * serves all stream threads.
 */
public final class TopologyMetrics {

  public static final String EVENTS_IN = "lookalike.events.in";
  public static final String EVENTS_OUT = "lookalike.events.out";
  public static final String DEAD_LETTERS = "lookalike.dead.letters";
  public static final String EMBEDDING = "lookalike.embedding";
  public static final String MATCH = "lookalike.match";
  public static final String MATCH_LISTS = "lookalike.match.lists";
  public static final String MISPLACED_UPLOADS = "lookalike.uploads.misplaced";
  /** The phases of {@link #MATCH}, in the order a match runs them. */
  public static final List<String> MATCH_PHASES = List.of("check", "store", "search", "lists", "own");
  public static final String INGEST = "ingest";
  public static final String QUERY = "query";

  private final MeterRegistry meters;
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Timer> embedding = new ConcurrentHashMap<>();

  public TopologyMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  public Counter eventsIn(String topic) {
    return Counter.builder(EVENTS_IN).description("Records read, per topic").tag("topic", topic).register(meters);
  }

  public Counter eventsOut(String topic) {
    return Counter.builder(EVENTS_OUT).description("Records written, per topic").tag("topic", topic).register(meters);
  }

  public void deadLetter(String reason) {
    deadLetterCounter(reason == null ? "UNKNOWN" : reason).increment();
  }

  /**
   * Registers the counter of every known reason at zero, so each series exists from the start: an
   * alert on {@code increase(lookalike_dead_letters_total[5m]) > 0} sees the first dead letter of
   * a reason, where a series born at 1 shows no increase.
   */
  public void knownDeadLetterReasons(List<String> reasons) {
    reasons.forEach(this::deadLetterCounter);
  }

  private Counter deadLetterCounter(String reason) {
    return deadLetters.computeIfAbsent(reason, r -> Counter.builder(DEAD_LETTERS).description("Dead letters written, by reason (error code)")
        .tag("reason", r).register(meters));
  }

  /** The timer of one named vector's embedder, for uploads (the content stage). */
  public Timer embedding(String vector) {
    return embedding(vector, INGEST);
  }

  /** The timer of one named vector's embedder; stage {@link #INGEST} or {@link #QUERY} (HTTP search). */
  public Timer embedding(String vector, String stage) {
    return embedding.computeIfAbsent(stage + "/" + vector, k -> Timer.builder(EMBEDDING)
        .description("Time of one embedder call, per named vector and stage (ingest: uploads, query: HTTP search)")
        .tag("vector", vector).tag("stage", stage)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(meters));
  }

  /** The timer of one phase of the match stage for one named vector (see the match package's MatchTiming). */
  public Timer matchPhase(String vector, String phase) {
    return Timer.builder(MATCH)
        .description("Match stage time per upload, per named vector and phase (" + String.join(", ", MATCH_PHASES) + ")")
        .tag("vector", vector).tag("phase", phase)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(meters);
  }

  /** Neighbour lists of other images that the match stage read ({@code read}) or changed ({@code changed}). */
  public Counter matchLists(String vector, String outcome) {
    return Counter.builder(MATCH_LISTS).description("Other images' neighbour lists the match stage read or changed, per named vector")
        .tag("vector", vector).tag("outcome", outcome).register(meters);
  }

  /**
   * Keyed images.uploaded records that arrived on another partition than Kafka's default partitioner (murmur2 of the
   * key) gives their key: their producer partitions differently (librdkafka's and kcat's default is CRC32).
   */
  public Counter misplacedUploads() {
    return Counter.builder(MISPLACED_UPLOADS)
        .description("images.uploaded records on another partition than murmur2 of their key (producers must partition as Java's client does)")
        .register(meters);
  }

  /** The source's deserializer, counting every record it is handed. */
  public <T> Deserializer<T> countingIn(String topic, Deserializer<T> delegate) {
    return new CountingDeserializer<>(eventsIn(topic), delegate);
  }

  /** The sink's serializer, counting every record it writes. */
  public <T> Serializer<T> countingOut(String topic, Serializer<T> delegate) {
    return new CountingSerializer<>(eventsOut(topic), delegate, null);
  }

  /** The dead-letter sink's serializer, counting every record it writes and its reason. */
  public Serializer<DeadLetter> countingDeadLetters(String topic, Serializer<DeadLetter> delegate) {
    return new CountingSerializer<>(eventsOut(topic), delegate, letter -> deadLetter(letter == null ? null : letter.getErrorCode()));
  }

  private record CountingDeserializer<T>(Counter counter, Deserializer<T> delegate) implements Deserializer<T> {
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
      delegate.configure(configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      counter.increment();
      return delegate.deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
      counter.increment();
      return delegate.deserialize(topic, headers, data);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private record CountingSerializer<T>(Counter counter, Serializer<T> delegate, java.util.function.Consumer<T> also)
      implements Serializer<T> {
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
      delegate.configure(configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, T data) {
      count(data);
      return delegate.serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
      count(data);
      return delegate.serialize(topic, headers, data);
    }

    private void count(T data) {
      counter.increment();
      if (also != null) also.accept(data);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
