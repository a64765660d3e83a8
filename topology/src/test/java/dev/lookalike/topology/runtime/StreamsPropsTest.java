package dev.lookalike.topology.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.config.LookalikeConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropsTest {

  @Test
  void ourClientDefaultsApplyUnlessTheUserSetTheSettingInEitherForm() {
    Properties defaults = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of()), "h:1");
    assertThat(defaults).containsEntry("producer.retry.backoff.max.ms", 100).containsEntry("application.server", "h:1");

    Properties plain = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("kafka.retry.backoff.max.ms", "700")), null);
    assertThat(plain).containsEntry("retry.backoff.max.ms", "700").doesNotContainKey("producer.retry.backoff.max.ms");

    Properties prefixed = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("kafka.producer.retry.backoff.max.ms", "300")), null);
    assertThat(prefixed).containsEntry("producer.retry.backoff.max.ms", "300");
  }

  @Test
  void theProducerFitsTheLargestDeadLetterAndConsumersTheLargestUpload() {
    LookalikeConfig config = LookalikeConfig.of(Map.of("image.max.bytes", String.valueOf(20 * 1024 * 1024)));
    Properties props = LookalikeStreams.streamsProps(config, null);

    int upload = TopicProvisioner.maxMessageBytes(config);
    assertThat(upload).isEqualTo(21 * 1024 * 1024);
    // A dead letter holds a whole upload, its key again and a message.
    assertThat(TopicProvisioner.deadLetterMaxBytes(config)).isGreaterThan(2 * upload);
    assertThat(props).containsEntry("producer.max.request.size", TopicProvisioner.deadLetterMaxBytes(config))
        .containsEntry("consumer.max.partition.fetch.bytes", upload);
    assertThat((long) props.get("producer.buffer.memory")).isGreaterThanOrEqualTo(TopicProvisioner.deadLetterMaxBytes(config));
  }

  /** Kafka Streams warned at every start about a global thread the topology does not have. */
  @Test
  void startsWithoutKafkaStreamsWarningAboutAGlobalThreadItDoesNotHave() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StreamsConfig.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      Properties props = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of()), null);
      props.put("application.id", "test");
      StreamsConfig streams = new StreamsConfig(props);
      // The partition assignor reads a StreamsConfig made of the main consumer's settings, and warned again.
      new StreamsConfig(streams.getMainConsumerConfigs("test", "c", 0));
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains("GlobalThread"));

    Properties off = LookalikeStreams.streamsProps(
        LookalikeConfig.of(Map.of("kafka.processing.exception.handler.global.enabled", "false")), null);
    assertThat(off).containsEntry("processing.exception.handler.global.enabled", "false");
  }

  @Test
  void keysWithTheirOwnSettingAreNotOverriddenByKafkaPassThrough() {
    Properties props = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("processing.guarantee", "at_least_once")), null);
    assertThat(props).containsEntry("processing.guarantee", "at_least_once");
  }

  @Test
  void theTransactionOutlivesTheSlowestRecordTwice() {
    // Defaults: a fetch may take 20 s, retries included; twice that is under the 60 s floor.
    Properties defaults = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of()), null);
    assertThat(defaults).containsEntry("producer.transaction.timeout.ms", 60_000)
        .containsEntry("consumer.max.poll.interval.ms", 300_000);
    assertThat(producer(defaults).get("transaction.timeout.ms")).as("what the producer gets, past Streams' 10 s EOS default")
        .isEqualTo(60_000);

    // A longer fetch deadline, and a hosted vector adding its whole deadline (retries included).
    Properties hosted = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("fetch.total.timeout.ms", "45000",
        "vectors", "perceptual,azure", "vector.azure.embedder", "azure-vision", "vector.azure.timeout.ms", "40000")), null);
    assertThat(hosted).containsEntry("producer.transaction.timeout.ms", 2 * (45_000 + 40_000))
        .containsEntry("consumer.max.poll.interval.ms", 2 * 2 * (45_000 + 40_000));

    // Never over what brokers accept by default (15 min).
    assertThat(LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("fetch.total.timeout.ms", "600000")), null))
        .containsEntry("producer.transaction.timeout.ms", 900_000)
        .containsEntry("consumer.max.poll.interval.ms", 1_800_000);
  }

  @Test
  void theUsersTransactionTimeoutWinsInEitherFormAndThePollIntervalFollowsIt() {
    for (String key : new String[] {"kafka.transaction.timeout.ms", "kafka.producer.transaction.timeout.ms"}) {
      Properties props = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of(key, "200000")), null);
      assertThat(producer(props).get("transaction.timeout.ms")).as(key).isIn(200_000, "200000");
      assertThat(props).as(key).containsEntry("consumer.max.poll.interval.ms", 400_000);
    }
    Properties poll = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("kafka.max.poll.interval.ms", "123456")), null);
    assertThat(poll).doesNotContainKey("consumer.max.poll.interval.ms");
    assertThat(new StreamsConfig(poll).getMainConsumerConfigs("g", "c", 0).get("max.poll.interval.ms")).isEqualTo("123456");
  }

  private static Map<String, Object> producer(Properties props) {
    props.putIfAbsent("application.id", "test");
    return new StreamsConfig(props).getProducerConfigs("c");
  }
}
