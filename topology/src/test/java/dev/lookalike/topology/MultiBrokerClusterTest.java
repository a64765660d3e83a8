package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The harness itself: production features, 3 replicas, and a broker that stops and comes back. */
class MultiBrokerClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void survivesAndRecoversFromTheLossOfOneBroker() throws Exception {
    try (MultiBrokerCluster cluster = MultiBrokerCluster.start()) {
      assertThat(cluster.brokerIds()).hasSize(3);
      assertThat(cluster.runningBrokerIds()).isEqualTo(cluster.brokerIds());
      var features = cluster.admin().describeFeatures().featureMetadata().get().finalizedFeatures();
      assertThat(features.get("transaction.version").maxVersionLevel()).isEqualTo((short) 2);
      assertThat(features.get("streams.version").maxVersionLevel()).isEqualTo((short) 1);

      cluster.admin().createTopics(List.of(new NewTopic("t", 3, (short) 3))).all().get();
      await().atMost(DEADLINE).until(() -> isr("t", cluster).stream().allMatch(s -> s.size() == 3));
      int victim = describe("t", cluster).partitions().get(0).leader().id();

      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 100; i++) producer.send(new ProducerRecord<>("t", "k" + i, "before")).get();
        Duration stop = cluster.shutdownBroker(victim);
        assertThat(cluster.runningBrokerIds()).hasSize(2).doesNotContain(victim);
        for (int i = 0; i < 100; i++) producer.send(new ProducerRecord<>("t", "k" + i, "during")).get();
        assertThat(isr("t", cluster)).allMatch(s -> s.size() == 2 && !s.contains(victim));

        Duration start = cluster.startBroker(victim);
        assertThat(cluster.runningBrokerIds()).isEqualTo(cluster.brokerIds());
        await("the restarted broker is back in sync").atMost(DEADLINE)
            .until(() -> isr("t", cluster).stream().allMatch(s -> s.size() == 3));
        for (int i = 0; i < 100; i++) producer.send(new ProducerRecord<>("t", "k" + i, "after")).get();
        System.out.printf("cluster start %d ms, broker stop %d ms, broker restart %d ms%n",
            cluster.startupTime().toMillis(), stop.toMillis(), start.toMillis());
      }
      assertThat(readAll("t", cluster)).hasSize(300);
    }
  }

  private static TopicDescription describe(String topic, MultiBrokerCluster cluster) throws Exception {
    return cluster.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
  }

  private static List<Set<Integer>> isr(String topic, MultiBrokerCluster cluster) throws Exception {
    List<Set<Integer>> isrs = new ArrayList<>();
    for (TopicPartitionInfo p : describe(topic, cluster).partitions()) {
      Set<Integer> ids = new TreeSet<>();
      p.isr().forEach(n -> ids.add(n.id()));
      isrs.add(ids);
    }
    return isrs;
  }

  private static List<String> readAll(String topic, MultiBrokerCluster cluster) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<String> values = new ArrayList<>();
      await().atMost(DEADLINE).until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
        return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
      });
      return values;
    }
  }
}
