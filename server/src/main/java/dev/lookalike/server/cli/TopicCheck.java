package dev.lookalike.server.cli;

import dev.lookalike.config.LookalikeConfig;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * One look at the cluster before a client sends anything: is Kafka there, does the topic exist,
 * and how large a record does the topic take. Without it, a producer facing a dead cluster
 * waits max.block.ms for every record in turn (30 s each: hours for a folder of photos).
 */
final class TopicCheck {

  /** Long enough for a slow cluster, short enough to give up on an absent one. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** @param maxMessageBytes the topic's max.message.bytes, when the cluster lets us read it */
  record Result(OptionalInt maxMessageBytes) {}

  private TopicCheck() {}

  /**
   * @throws IllegalStateException "cannot reach Kafka at ..." or "topic ... does not exist ...",
   *     which the CLI prints as a runtime failure (exit 1)
   */
  static Result check(LookalikeConfig config, String topic, Duration timeout) {
    String bootstrap = config.bootstrapServers();
    Properties props = ClientOptions.kafkaProperties(config, "lookalike-topic-check");
    int millis = (int) timeout.toMillis();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) { // e.g. no resolvable bootstrap address
      throw new IllegalStateException("cannot reach Kafka at " + bootstrap + ": " + LookalikeCli.ErrorReporter.describe(e), e);
    }
    try {
      try {
        admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(millis))
            .allTopicNames().get(millis + 1000L, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          throw new IllegalStateException("topic " + topic + " does not exist at " + bootstrap
              + " (is the service running? it creates its topics at startup)", e.getCause());
        }
        throw unreachable(bootstrap, timeout, e.getCause());
      } catch (TimeoutException e) {
        throw unreachable(bootstrap, timeout, e);
      }
      return new Result(maxMessageBytes(admin, topic, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topic " + topic, e);
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  private static IllegalStateException unreachable(String bootstrap, Duration timeout, Throwable cause) {
    String reason = cause instanceof org.apache.kafka.common.errors.TimeoutException || cause instanceof TimeoutException
        ? "no answer within " + DurationConverter.format(timeout) + " (" + LookalikeCli.ErrorReporter.describe(cause) + ")"
        : LookalikeCli.ErrorReporter.describe(cause);
    return new IllegalStateException("cannot reach Kafka at " + bootstrap + ": " + reason, cause);
  }

  /** The topic's effective limit (its own or the broker's default); empty if not allowed to read configs. */
  private static OptionalInt maxMessageBytes(Admin admin, String topic, int millis) throws InterruptedException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      Config configs = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(millis))
          .all().get(millis + 1000L, TimeUnit.MILLISECONDS).get(resource);
      ConfigEntry entry = configs == null ? null : configs.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      return entry == null || entry.value() == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(entry.value()));
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      return OptionalInt.empty(); // e.g. no DescribeConfigs permission: the sends will tell
    }
  }
}
