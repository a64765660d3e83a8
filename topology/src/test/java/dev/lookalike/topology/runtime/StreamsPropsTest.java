package dev.lookalike.topology.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.config.LookalikeConfig;
import java.util.Map;
import java.util.Properties;
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

  @Test
  void keysWithTheirOwnSettingAreNotOverriddenByKafkaPassThrough() {
    Properties props = LookalikeStreams.streamsProps(LookalikeConfig.of(Map.of("processing.guarantee", "at_least_once")), null);
    assertThat(props).containsEntry("processing.guarantee", "at_least_once");
  }
}
