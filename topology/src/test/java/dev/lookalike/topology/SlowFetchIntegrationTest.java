package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.corpus.HostileCorpus;
import dev.lookalike.topology.runtime.LookalikeStreams;
import dev.lookalike.topology.runtime.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One image URL that takes longer to download than Kafka Streams' exactly-once default
 * transaction timeout (10 s), yet within the fetch deadline, must not stall the stream: with that
 * timeout the producer was fenced mid-fetch, the batch reprocessed and the URL fetched again (three
 * downloads and two fencings here; forever when the pass always had another record before it).
 * Production topology, exactly-once, on the real in-process broker.
 */
class SlowFetchIntegrationTest {

  private static final Logger log = LoggerFactory.getLogger(SlowFetchIntegrationTest.class);
  /** How long the slow URL takes to download: well past 10 s, well within the fetch deadline. */
  private static final Duration DRIP = Duration.ofSeconds(13);
  private static final Duration FETCH_DEADLINE = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(75);

  @TempDir Path stateDir;

  @Test
  void aUrlSlowerThanTheOldTransactionTimeoutIsEmbeddedOnceAndTheStreamGoesOn() throws Exception {
    byte[] slowPng = png(7);
    AtomicInteger slowRequests = new AtomicInteger();
    // The broker looks for timed-out transactions every 10 s by default, which would let a 13 s
    // transaction through now and then; check every 200 ms so the 10 s timeout is what counts.
    EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults()
        .withBrokerConfig("transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(options);
         MockWebServer images = new MockWebServer()) {
      images.setDispatcher(dripping(slowPng, slowRequests));
      images.start(InetAddress.getByName("127.0.0.1"), 0);
      String slowUrl = "http://127.0.0.1:" + images.getPort() + "/slow.png";

      LookalikeConfig config = config(kafka);
      InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
      Topics topics = Topics.create(config, registry);
      new TopicProvisioner(config, topics).ensure(kafka.admin());
      // The slow download must start with a transaction already open, as it would under any load:
      // on partition 1 an upload precedes it (the stream thread commits every 100 ms, not after
      // every record), and partition 0's task, which comes first in every processing pass, has
      // uploads too. The upload after it, on its partition, shows the stream moved on.
      List<String> fast = keysOnPartition(0, "before-", 3);
      List<String> partition1 = keysOnPartition(1, "p1-", 3);
      String slow = partition1.get(1);
      try (ImageFetcher fetcher = new ImageFetcher(HostileCorpus.fetcherConfig(config))) {
        TopologyServices services = new TopologyServices(registry, List.of(new PerceptualEmbedder()), new ImageDecoder(),
            url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
        try (LookalikeStreams service = LookalikeStreams.start(config, topics, services, null);
             KafkaConsumer<String, ImageEmbedded> embedded = consumer(kafka, topics.embedded());
             KafkaConsumer<String, DeadLetter> deadLetters = consumer(kafka, topics.deadLetter())) {
          assertThat(service.awaitRunning(DEADLINE)).as("streams reach RUNNING").isTrue();
          long t0 = System.nanoTime();
          produce(kafka, topics, inline(fast.get(0), 11), inline(fast.get(1), 12), inline(fast.get(2), 13),
              inline(partition1.get(0), 14), url(slow, slowUrl), inline(partition1.get(2), 15));

          Set<String> done = new TreeSet<>();
          Map<String, String> dead = new HashMap<>();
          await("every upload embedded").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (ConsumerRecord<String, ImageEmbedded> r : embedded.poll(Duration.ofMillis(100))) done.add(r.key());
            for (ConsumerRecord<String, DeadLetter> r : deadLetters.poll(Duration.ZERO)) {
              dead.put(r.key(), r.value().getErrorCode() + ": " + r.value().getMessage());
            }
            assertThat(dead).as("dead letters").isEmpty();
            return done.containsAll(fast) && done.containsAll(partition1);
          });
          Duration took = Duration.ofNanos(System.nanoTime() - t0);
          log.info("all six embedded {} ms after producing; the slow URL was requested {} time(s)", took.toMillis(),
              slowRequests.get());
          assertThat(took).as("the slow download really outlasted the old 10 s transaction timeout")
              .isGreaterThan(Duration.ofSeconds(10));
          assertThat(slowRequests.get()).as("the slow URL was fetched once: nothing was reprocessed").isEqualTo(1);
        }
      }
    }
  }

  /** Serves {@code png} at /slow.png, a few bytes at a time, so the download takes {@link #DRIP}. */
  private static Dispatcher dripping(byte[] png, AtomicInteger requests) {
    int chunks = 26;
    long bytesPerChunk = (png.length + chunks - 1) / chunks;
    long pause = DRIP.toMillis() / chunks;
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (!"/slow.png".equals(request.getPath())) return new MockResponse().setResponseCode(404);
        requests.incrementAndGet();
        return new MockResponse().setHeader("Content-Type", "image/png").setBody(new Buffer().write(png))
            .throttleBody(bytesPerChunk, pause, TimeUnit.MILLISECONDS);
      }
    };
  }

  private LookalikeConfig config(EmbeddedKafka kafka) {
    Map<String, Object> values = new HashMap<>();
    values.put(LookalikeConfig.APPLICATION_ID, "slow-fetch");
    values.put(LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(LookalikeConfig.TOPICS_PARTITIONS, 2);
    values.put(LookalikeConfig.STATE_DIR, stateDir.toString());
    values.put(LookalikeConfig.FETCH_TOTAL_TIMEOUT_MS, FETCH_DEADLINE.toMillis());
    values.put(LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, true);
    return LookalikeConfig.of(values);
  }

  /** {@code count} keys starting with {@code prefix} that Kafka's default partitioner puts on {@code partition} of 2. */
  private static List<String> keysOnPartition(int partition, String prefix, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String key = prefix + i;
      if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2 == partition) keys.add(key);
    }
    return keys;
  }

  private static ImageUploaded inline(String id, int seed) {
    return DriverHarness.inline(id, "acme", png(seed), 1000);
  }

  private static byte[] png(int seed) {
    return TestImages.encode(TestImages.generate(seed, 160, 120), "png");
  }

  private static ImageUploaded url(String id, String url) {
    return ImageUploaded.newBuilder().setImageId(id).setTenant("acme").setUploadedAt(Instant.ofEpochMilli(1000))
        .setSource(ImageSource.newBuilder().setUrl(url).build()).build();
  }

  private static void produce(EmbeddedKafka kafka, Topics topics, ImageUploaded... uploads) {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, ImageUploaded> producer = new KafkaProducer<>(props, new StringSerializer(),
        topics.uploaded().valueSerde().serializer())) {
      for (ImageUploaded u : uploads) producer.send(new ProducerRecord<>(topics.uploaded().name(), u.getImageId(), u));
      producer.flush();
    }
  }

  private static <V> KafkaConsumer<String, V> consumer(EmbeddedKafka kafka, Topic<String, V> topic) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic.name(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer());
    consumer.subscribe(List.of(topic.name()));
    return consumer;
  }
}
