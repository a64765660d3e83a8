package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.RecommendedItem;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.topology.runtime.LookalikeStreams;
import dev.lookalike.topology.runtime.TopicProvisioner;
import dev.lookalike.topology.store.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The whole topology on a real in-process KRaft broker and the real Apicurio registry: the exact
 * set of pairs an exact scan finds, the same for 1 and 4 partitions, and state that survives a
 * restart (old pairs are not re-emitted, a new variant of an old image is still paired).
 */
class EndToEndIntegrationTest {

  private static final Duration DEADLINE = Duration.ofMinutes(3);
  private static EmbeddedKafka kafka;
  private static RestSchemaRegistryClient registry;
  private static ImageFetcher fetcher;

  @TempDir static Path tmp;

  @BeforeAll
  static void startPlatform() {
    kafka = EmbeddedKafka.start();
    registry = new RestSchemaRegistryClient(ApicurioRegistry.shared().ccompatUrl());
    fetcher = new ImageFetcher(FetcherConfig.defaults());
  }

  @AfterAll
  static void stopPlatform() {
    fetcher.close();
    registry.close();
    kafka.close();
  }

  @Test
  void sameExactPairsAtEveryScaleAndStateSurvivesARestart() {
    Workload workload = new Workload(60, 60, 42);
    PerceptualEmbedder embedder = new PerceptualEmbedder();
    LookalikeConfig one = config("one", 1, 1);
    float threshold = one.vector("perceptual").duplicateThreshold();
    Set<String> truth = Workload.groundTruth(workload.uploads, embedder, threshold);
    assertThat(truth).as("every variant pairs with its base").contains(
        Workload.key("base-0-v1", "base-0", dev.lookalike.avro.DuplicateKind.NEAR),
        Workload.key("base-0-copy", "base-0", dev.lookalike.avro.DuplicateKind.EXACT));
    assertThat(truth).noneMatch(p -> p.contains("other-tenant"));

    Run single = run(List.of(one), workload.uploads, false);
    assertThat(single.pairs).containsExactlyInAnyOrderElementsOf(truth);
    assertThat(single.latestRecommendations).as("recommendations are the exact top-k")
        .isEqualTo(Workload.expectedRecommendations(workload.uploads, embedder, one.vector("perceptual").recommendK()));

    LookalikeConfig four = config("four", 4, 2);
    Run sharded = run(List.of(four), workload.uploads, false);
    assertThat(sharded.pairs).containsExactlyInAnyOrderElementsOf(truth);
    assertThat(sharded.latestRecommendations).isEqualTo(single.latestRecommendations);

    List<LookalikeConfig> threeInstances = List.of(config("twelve", 12, 1, "a"), config("twelve", 12, 1, "b"),
        config("twelve", 12, 1, "c"));
    Run cluster = run(threeInstances, workload.uploads, false);
    assertThat(cluster.pairs).containsExactlyInAnyOrderElementsOf(truth);
    assertThat(cluster.latestRecommendations).isEqualTo(single.latestRecommendations);

    // Restart on the same state: nothing old is re-emitted, a new variant of an old image pairs.
    Workload.Upload late = new Workload.Upload(DriverHarness.inline("base-3-late", "acme",
        TestImages.jpeg(TestImages.resize(TestImages.generate(42 + 3), 0.5), 30), 9_000_000), null);
    List<Workload.Upload> withLate = new ArrayList<>(workload.uploads);
    withLate.add(new Workload.Upload(late.event(), late.event().getSource().getData().array()));
    Set<String> newPairs = new TreeSet<>(Workload.groundTruth(withLate, embedder, threshold));
    newPairs.removeAll(truth);
    assertThat(newPairs).contains(Workload.key("base-3-late", "base-3", dev.lookalike.avro.DuplicateKind.NEAR));
    Run restarted = run(List.of(four), List.of(withLate.get(withLate.size() - 1)), true);
    assertThat(restarted.pairs).containsExactlyInAnyOrderElementsOf(newPairs);
  }

  /**
   * After an unclean shutdown under exactly-once, Kafka Streams finds the stores of a task without
   * a checkpoint and wipes its whole directory. The vector store's saved graph sits beside the
   * task directory, so it survives that and the restart loads it instead of re-inserting every
   * vector; the state still comes from the changelog (a new variant of an old image pairs).
   */
  @Test
  void theSavedGraphSurvivesTheWipeAfterAnUncleanShutdown() throws IOException {
    Workload workload = new Workload(30, 30, 7);
    LookalikeConfig config = config("unclean", 1, 1, "", Map.of("vector.perceptual.index.exact.below", 0));
    run(List.of(config), workload.uploads, false);
    Path appDir = Path.of(config.stateDir(), config.applicationId());
    Path snapshot = onlySnapshot(appDir);
    byte[] saved = Files.readAllBytes(snapshot);
    // After a crash the task's RocksDB stores were not closed, and under exactly-once Streams
    // declares the task corrupted and wipes its directory. Stores with no committed offset in a
    // non-empty task directory take the same path: remove the stores, leave a file; its
    // disappearance shows that the wipe happened.
    Path taskDir = appDir.resolve(snapshot.getParent().getFileName().toString());
    Path rocksdb = taskDir.resolve("rocksdb");
    assertThat(rocksdb).as("the task has persistent stores").isDirectory();
    org.apache.kafka.common.utils.Utils.delete(rocksdb.toFile());
    Path marker = Files.writeString(taskDir.resolve("left-by-the-crash"), "");

    Workload.Upload late = new Workload.Upload(DriverHarness.inline("base-3-late", "acme",
        TestImages.jpeg(TestImages.resize(TestImages.generate(7 + 3), 0.5), 30), 9_000_000), null);
    List<Workload.Upload> withLate = new ArrayList<>(workload.uploads);
    withLate.add(new Workload.Upload(late.event(), late.event().getSource().getData().array()));
    Run restarted = run(List.of(config), List.of(withLate.get(withLate.size() - 1)), true, () -> {
      assertThat(marker).as("the restart wiped the task directory").doesNotExist();
      assertThat(snapshot).as("the saved graph survived the wipe").exists();
      try {
        assertThat(Files.readAllBytes(snapshot)).as("and was not rewritten yet").isEqualTo(saved);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(restarted.pairs).contains(Workload.key("base-3-late", "base-3", dev.lookalike.avro.DuplicateKind.NEAR));
  }

  /**
   * A task that moved to another instance leaves its saved graph beside the directory Kafka
   * Streams cleans; once that directory is gone and the file is old, the running instance
   * deletes it (here with a cleanup delay of a second instead of ten minutes).
   */
  @Test
  void theSavedGraphOfATaskThatLeftIsDeleted() throws IOException {
    LookalikeConfig config = config("departed", 1, 1, "", Map.of("kafka.state.cleanup.delay.ms", "1000"));
    Path appDir = Path.of(config.stateDir(), config.applicationId());
    Path departed = VectorStore.snapshotFile(appDir.resolve("7_7"), Names.vectorStore("perceptual"));
    Files.createDirectories(departed.getParent());
    Files.write(departed, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(departed, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Files.setLastModifiedTime(departed.getParent(), FileTime.from(Instant.now().minus(Duration.ofHours(1))));

    run(List.of(config), new Workload(30, 30, 7).uploads, false, () ->
        await().atMost(DEADLINE).until(() -> !Files.exists(departed.getParent())));
    assertThat(onlySnapshot(appDir).getParent().getFileName()).as("the task that stayed kept its saved graph")
        .hasToString("0_0");
  }

  private static Path onlySnapshot(Path appDir) throws IOException {
    try (var files = Files.walk(appDir)) {
      List<Path> snapshots = files.filter(f -> f.getFileName().toString().endsWith(".snapshot")).toList();
      assertThat(snapshots).as("one vector store, one partition: one saved graph").hasSize(1);
      return snapshots.get(0);
    }
  }

  private LookalikeConfig config(String name, int partitions, int threads) {
    return config(name, partitions, threads, "");
  }

  /** One instance of the application {@code name}; instances differ only in their state directory. */
  private LookalikeConfig config(String name, int partitions, int threads, String instance) {
    return config(name, partitions, threads, instance, Map.of());
  }

  private LookalikeConfig config(String name, int partitions, int threads, String instance, Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put(LookalikeConfig.APPLICATION_ID, "e2e-" + name);
    values.put(LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    values.put(LookalikeConfig.SCHEMA_REGISTRY_URL, ApicurioRegistry.shared().ccompatUrl());
    values.put(LookalikeConfig.TOPICS_PARTITIONS, partitions);
    values.put(LookalikeConfig.STATE_DIR, tmp.resolve(name + instance).toString());
    values.put(LookalikeConfig.NUM_STREAM_THREADS, threads);
    for (String role : List.of("uploaded", "embedded", "near-duplicates", "recommendations", "dead-letter")) {
      values.put("topic." + role, name + ".images." + role);
    }
    values.putAll(overrides);
    return LookalikeConfig.of(values);
  }

  /** What one run of the service emitted for the given uploads, read back with read_committed. */
  record Run(List<String> pairs, Map<String, List<String>> latestRecommendations) {}

  /**
   * Runs the instances (same application, one state directory each) over the uploads.
   *
   * @param onlyNew read only what this run adds to the output topics
   */
  private Run run(List<LookalikeConfig> instances, List<Workload.Upload> uploads, boolean onlyNew) {
    return run(instances, uploads, onlyNew, () -> {});
  }

  /** @param beforeClose checks made while the instances still run, after the outputs were read */
  private Run run(List<LookalikeConfig> instances, List<Workload.Upload> uploads, boolean onlyNew, Runnable beforeClose) {
    LookalikeConfig config = instances.get(0);
    Topics topics = Topics.create(config, registry);
    List<LookalikeStreams> running = new ArrayList<>();
    new TopicProvisioner(config, topics).ensure(kafka.admin()); // readers attach before the first instance starts
    try (KafkaConsumer<String, NearDuplicateDetected> duplicates = consumer(topics.nearDuplicates(), onlyNew);
         KafkaConsumer<String, Recommendations> recommendations = consumer(topics.recommendations(), onlyNew)) {
      for (LookalikeConfig instance : instances) {
        TopologyServices services = new TopologyServices(registry, List.of(new PerceptualEmbedder()), new ImageDecoder(),
            url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
        running.add(LookalikeStreams.start(instance, topics, services, null));
      }
      for (LookalikeStreams streams : running) {
        assertThat(streams.awaitRunning(DEADLINE)).as("streams reach RUNNING").isTrue();
      }
      produce(config, topics, uploads);
      Map<String, List<String>> latest = new TreeMap<>();
      Set<String> expectedIds = new TreeSet<>();
      uploads.forEach(u -> expectedIds.add(u.id()));
      // Every image's recommendations are published only after all partitions answered its query,
      // so once each has them, every pair event of this batch is committed too.
      await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
        for (ConsumerRecord<String, Recommendations> r : recommendations.poll(Duration.ofMillis(100))) {
          latest.put(r.key(), r.value() == null ? null : r.value().getItems().stream()
              .map(i -> i.getImageId() + "=" + i.getScore()).toList());
        }
        return latest.keySet().containsAll(expectedIds);
      });
      List<String> pairs = new ArrayList<>();
      await().atMost(DEADLINE).until(() -> {
        int before = pairs.size();
        for (ConsumerRecord<String, NearDuplicateDetected> r : duplicates.poll(Duration.ofMillis(500))) {
          NearDuplicateDetected d = r.value();
          assertThat(r.key()).isEqualTo(d.getImageId());
          pairs.add(Workload.key(d.getImageId(), d.getDuplicateOf(), d.getKind()));
        }
        return pairs.size() == before && !endOffsetsAhead(duplicates);
      });
      beforeClose.run();
      return new Run(pairs, latest);
    } finally {
      running.forEach(LookalikeStreams::close);
    }
  }

  private static boolean endOffsetsAhead(KafkaConsumer<?, ?> consumer) {
    var ends = consumer.endOffsets(consumer.assignment());
    return ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue());
  }

  private void produce(LookalikeConfig config, Topics topics, List<Workload.Upload> uploads) {
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, ImageUploaded> producer = new KafkaProducer<>(props, new StringSerializer(),
        topics.uploaded().valueSerde().serializer())) {
      for (Workload.Upload u : uploads) producer.send(new ProducerRecord<>(topics.uploaded().name(), u.id(), u.event()));
      producer.flush();
    }
  }

  /** A reader of every partition, from the beginning or from the current end. */
  private <V> KafkaConsumer<String, V> consumer(Topic<String, V> topic, boolean fromEnd) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    if (fromEnd) consumer.seekToEnd(partitions);
    else consumer.seekToBeginning(partitions);
    partitions.forEach(consumer::position); // resolve now, before anything is produced
    return consumer;
  }
}
