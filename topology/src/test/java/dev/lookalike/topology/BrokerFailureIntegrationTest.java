package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.runtime.LookalikeStreams;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The production topology, exactly-once, on 3 brokers with replication factor 3 and
 * min.insync.replicas 2: one broker (the one coordinating most of the service's consumer group and
 * stream-thread transactions, and leading a third of its partitions) is stopped halfway through a
 * workload. Every committed output must still be
 * exactly the brute-force ground truth (nothing lost, nothing duplicated, nothing dead-lettered)
 * and the service must ride it out without a stream thread dying.
 */
class BrokerFailureIntegrationTest {

  private static final Logger log = LoggerFactory.getLogger(BrokerFailureIntegrationTest.class);
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String APP = "broker-failure";

  @TempDir Path stateDir;

  @Test
  void losingABrokerMidLoadLosesNothingAndDuplicatesNothing() throws Exception {
    Workload workload = new Workload(30, 30, 11);
    PerceptualEmbedder embedder = new PerceptualEmbedder();
    List<Workload.Upload> firstHalf = workload.uploads.subList(0, workload.uploads.size() / 2);
    List<Workload.Upload> secondHalf = workload.uploads.subList(workload.uploads.size() / 2, workload.uploads.size());

    try (MultiBrokerCluster cluster = MultiBrokerCluster.start()) {
      log.info("cluster started in {} ms", cluster.startupTime().toMillis());
      LookalikeConfig config = config(cluster);
      Set<String> truth = Workload.groundTruth(workload.uploads, embedder, config.vector("perceptual").duplicateThreshold());
      Map<String, List<String>> expectedRecommendations =
          Workload.expectedRecommendations(workload.uploads, embedder, config.vector("perceptual").recommendK());
      assertThat(truth).as("the workload has pairs to find").hasSizeGreaterThan(30);

      InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
      Topics topics = Topics.create(config, registry);
      new TopicProvisioner(config, topics).ensure(cluster.admin()); // readers attach before the service starts
      TopologyServices services = new TopologyServices(registry, List.of(new PerceptualEmbedder()), new ImageDecoder(),
          url -> { throw new AssertionError("the workload has inline images only: " + url); }, Clock.systemUTC(), new SimpleMeterRegistry());

      long t0 = System.nanoTime();
      try (LookalikeStreams service = LookalikeStreams.start(config, topics, services, null);
           KafkaConsumer<String, NearDuplicateDetected> duplicates = consumer(cluster, topics.nearDuplicates());
           KafkaConsumer<String, Recommendations> recommendations = consumer(cluster, topics.recommendations());
           KafkaConsumer<String, DeadLetter> deadLetters = consumer(cluster, topics.deadLetter());
           KafkaProducer<String, ImageUploaded> producer = producer(cluster, topics)) {
        assertThat(service.awaitRunning(DEADLINE)).as("streams reach RUNNING").isTrue();
        log.info("streams RUNNING after {} ms", millisSince(t0));
        Set<String> threadsAtStart = threadNames(service);
        assertEveryTopicFullyReplicated(cluster.admin());

        send(producer, topics, firstHalf);
        // Mid-load: the service has committed its first results and is still working on the rest.
        Map<String, List<String>> latest = new TreeMap<>();
        await("first committed results").atMost(DEADLINE).pollInterval(Duration.ofMillis(10))
            .until(() -> readRecommendations(recommendations, latest) > 0);

        Map<Integer, Integer> leaders = leaderCounts(cluster.admin());
        Map<Integer, List<String>> roles = coordinatorRoles(cluster.admin());
        int victim = roles.keySet().stream()
            .max(Comparator.<Integer>comparingInt(b -> roles.get(b).size()).thenComparingInt(b -> leaders.getOrDefault(b, 0)))
            .orElseThrow();
        log.info("stopping broker {} with {}/{} uploads answered; coordinators: {}; partitions led per broker: {}",
            victim, latest.size(), firstHalf.size(), roles, leaders);
        assertThat(leaders.getOrDefault(victim, 0)).as("the stopped broker leads partitions").isPositive();
        long stopAt = System.nanoTime();
        Duration stopTook = cluster.shutdownBroker(victim);
        assertThat(cluster.runningBrokerIds()).doesNotContain(victim).hasSize(2);

        send(producer, topics, secondHalf);
        log.info("second half acknowledged by the 2 remaining brokers {} ms after the stop", millisSince(stopAt));
        assertThat(leaderCounts(cluster.admin())).as("every partition has a leader, none on the stopped broker")
            .doesNotContainKey(victim).doesNotContainKey(-1);

        // Recommendations are published once every partition answered an image's query, so once
        // they all match, every pair of the workload has been committed too.
        await("recommendations equal the exact top-k").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
            .untilAsserted(() -> {
              readRecommendations(recommendations, latest);
              assertThat(latest).isEqualTo(expectedRecommendations);
            });
        log.info("all outputs committed {} ms after the stop ({} ms to stop the broker)", millisSince(stopAt), stopTook.toMillis());
        List<String> pairs = new ArrayList<>();
        readToEnd(duplicates, r -> pairs.add(Workload.key(r.value().getImageId(), r.value().getDuplicateOf(), r.value().getKind())));
        readToEnd(recommendations, r -> latest.put(r.key(), items(r.value())));
        List<String> dead = new ArrayList<>();
        readToEnd(deadLetters, r -> dead.add(r.key() + ": " + r.value()));

        assertThat(pairs).as("committed pairs: exactly the ground truth, each once").hasSize(truth.size())
            .containsExactlyInAnyOrderElementsOf(truth);
        assertThat(latest).as("latest committed recommendations").isEqualTo(expectedRecommendations);
        assertThat(dead).as("dead letters").isEmpty();
        assertThat(service.isRunning()).as("streams still RUNNING").isTrue();
        assertThat(threadNames(service)).as("no stream thread died and was replaced").isEqualTo(threadsAtStart);
      }
    }
  }

  private LookalikeConfig config(MultiBrokerCluster cluster) {
    Map<String, Object> values = new HashMap<>();
    values.put(LookalikeConfig.APPLICATION_ID, APP);
    values.put(LookalikeConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    values.put(LookalikeConfig.TOPICS_PARTITIONS, 6);
    values.put(LookalikeConfig.TOPICS_REPLICATION_FACTOR, "3");
    values.put(LookalikeConfig.NUM_STREAM_THREADS, 2);
    values.put(LookalikeConfig.STATE_DIR, stateDir.toString());
    return LookalikeConfig.of(values);
  }

  /** Every topic of the service (internal ones and Streams' changelogs included) has 3 replicas, all in sync. */
  private static void assertEveryTopicFullyReplicated(Admin admin) throws Exception {
    Map<String, TopicDescription> all = describeAll(admin);
    assertThat(all.keySet()).anyMatch(t -> t.startsWith(APP + "-") && t.endsWith("-changelog"));
    for (TopicDescription d : all.values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        assertThat(p.replicas()).as("replicas of %s-%d", d.name(), p.partition()).hasSize(3);
        assertThat(p.isr()).as("ISR of %s-%d", d.name(), p.partition()).hasSize(3);
      }
    }
  }

  /** Partitions led per broker id (-1: no leader) over every topic, internal ones included. */
  private static Map<Integer, Integer> leaderCounts(Admin admin) throws Exception {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (TopicDescription d : describeAll(admin).values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        counts.merge(p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static Map<String, TopicDescription> describeAll(Admin admin) throws ExecutionException, InterruptedException {
    Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    return admin.describeTopics(names).allTopicNames().get();
  }

  /**
   * Per broker, what it coordinates for the service: its consumer group and the transactions of
   * its stream threads (transactional ids start with the application id).
   */
  private static Map<Integer, List<String>> coordinatorRoles(Admin admin) throws Exception {
    Map<Integer, List<String>> roles = new TreeMap<>();
    roles.computeIfAbsent(admin.describeConsumerGroups(List.of(APP)).all().get().get(APP).coordinator().id(),
        b -> new ArrayList<>()).add("group");
    List<String> ids = admin.listTransactions().all().get().stream()
        .map(TransactionListing::transactionalId).filter(id -> id.startsWith(APP + "-")).toList();
    assertThat(ids).as("transactional ids of the stream threads").hasSize(2);
    admin.describeTransactions(ids).all().get().forEach((id, d) ->
        roles.computeIfAbsent(d.coordinatorId(), b -> new ArrayList<>()).add("txn " + id.substring(id.length() - 2)));
    return roles;
  }

  private static Set<String> threadNames(LookalikeStreams service) {
    return service.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static KafkaProducer<String, ImageUploaded> producer(MultiBrokerCluster cluster, Topics topics) {
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), topics.uploaded().valueSerde().serializer());
  }

  /** Sends and waits for every acknowledgement (acks=all: in sync on at least min.insync.replicas brokers). */
  private static void send(KafkaProducer<String, ImageUploaded> producer, Topics topics, List<Workload.Upload> uploads)
      throws Exception {
    List<Future<?>> acks = new ArrayList<>();
    for (Workload.Upload u : uploads) acks.add(producer.send(new ProducerRecord<>(topics.uploaded().name(), u.id(), u.event())));
    producer.flush();
    for (var ack : acks) ack.get(); // surfaces any failed send
  }

  /** A read_committed reader of every partition, from the beginning. */
  private static <V> KafkaConsumer<String, V> consumer(MultiBrokerCluster cluster, Topic<String, V> topic) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static int readRecommendations(KafkaConsumer<String, Recommendations> consumer, Map<String, List<String>> latest) {
    int n = 0;
    for (ConsumerRecord<String, Recommendations> r : consumer.poll(Duration.ofMillis(50))) {
      latest.put(r.key(), items(r.value()));
      n++;
    }
    return n;
  }

  private static List<String> items(Recommendations value) {
    return value == null ? null : value.getItems().stream().map(i -> i.getImageId() + "=" + i.getScore()).toList();
  }

  /** Reads until the consumer's position reaches the end (the last stable offset) of every partition. */
  private static <V> void readToEnd(KafkaConsumer<String, V> consumer,
                                    Consumer<ConsumerRecord<String, V>> sink) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
    await().atMost(DEADLINE).until(() -> {
      consumer.poll(Duration.ofMillis(100)).forEach(sink);
      return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    });
  }
}
