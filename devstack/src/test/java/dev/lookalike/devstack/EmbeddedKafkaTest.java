package dev.lookalike.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void listensOnLoopbackAndReportsStartupTime() {
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(kafka.startupTime()).isPositive().isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
        kafka.createTopic("tx-test", 1, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test-producer"),
                new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-test", "k", "aborted")).get();
            producer.abortTransaction();
            producer.beginTransaction();
            for (String value : List.of("a", "b", "c")) {
                producer.send(new ProducerRecord<>("tx-test", "k", value));
            }
            producer.commitTransaction();
        }

        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "tx-test-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tx-test"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.value());
                }
                return seen.size() >= 3;
            });
        }
        // The aborted record precedes the committed ones in the log, so it would show up first.
        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void createsTopicsWithPartitionsAndConfigs() throws Exception {
        kafka.createTopic("compacted-test", 3, Map.of("cleanup.policy", "compact"));

        var description = kafka.admin().describeTopics(List.of("compacted-test")).allTopicNames().get()
                .get("compacted-test");
        assertThat(description.partitions()).hasSize(3);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted-test");
        Config config = kafka.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void brokerDoesNotAutoCreateTopics() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config config = kafka.admin().describeConfigs(List.of(broker)).all().get().get(broker);
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
    }

    @Test
    void finalizesProductionFeatureLevels() throws Exception {
        FeatureMetadata features = kafka.admin().describeFeatures().featureMetadata().get();
        Map<String, Short> levels = new java.util.TreeMap<>();
        features.finalizedFeatures().forEach((name, range) -> levels.put(name, range.maxVersionLevel()));
        // Level 0 of these would mean no transactions v2, no new group coordinator, no KIP-1071 Streams.
        assertThat(levels).containsKey("metadata.version");
        assertThat(levels.get("transaction.version")).isGreaterThanOrEqualTo((short) 2);
        assertThat(levels.get("group.version")).isGreaterThanOrEqualTo((short) 1);
        assertThat(levels.get("streams.version")).isGreaterThanOrEqualTo((short) 1);
    }

    @Test
    void keepsAGivenDataDirAcrossRestarts(@TempDir Path dir) throws Exception {
        String bootstrap;
        try (EmbeddedKafka first = EmbeddedKafka.start(EmbeddedKafka.Options.defaults().withDataDir(dir))) {
            first.createTopic("survives-restart", 2, Map.of());
            bootstrap = first.bootstrapServers();
        }
        assertThat(dir.resolve("meta.properties")).exists();
        try (EmbeddedKafka second = EmbeddedKafka.start(EmbeddedKafka.Options.defaults().withDataDir(dir))) {
            assertThat(second.admin().listTopics().names().get()).contains("survives-restart");
        }
        assertThat(isListening(bootstrap)).isFalse();
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsTempDir() {
        EmbeddedKafka broker = EmbeddedKafka.start(EmbeddedKafka.Options.defaults().withDefaultPartitions(4));
        Path dir = broker.dataDir();
        assertThat(isListening(broker.bootstrapServers())).isTrue();

        broker.close();

        assertThat(isListening(broker.bootstrapServers())).isFalse();
        assertThat(Files.exists(dir)).isFalse();
        broker.close(); // idempotent
    }

    static boolean isListening(String hostPort) {
        String[] parts = hostPort.split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
