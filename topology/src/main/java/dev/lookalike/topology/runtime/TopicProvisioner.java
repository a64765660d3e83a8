package dev.lookalike.topology.runtime;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.topology.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes sure every topic exists with a consistent partition count. Topics partitioned by image id
 * must agree (the match stage co-partitions them); new ones take the count of existing ones, so
 * a user who created images.uploaded with 12 partitions gets 12 everywhere.
 */
public final class TopicProvisioner {

  private final LookalikeConfig config;
  private final Topics topics;

  public TopicProvisioner(LookalikeConfig config, Topics topics) {
    this.config = config;
    this.topics = topics;
  }

  /** Creates what is missing (when allowed) and returns the partition count of the image-keyed topics. */
  public int ensure(Admin admin) {
    Map<String, Integer> existing = describe(admin, topics.all());
    int partitions = partitionCount(existing);
    List<NewTopic> missing = new ArrayList<>();
    for (String name : topics.all()) {
      if (!existing.containsKey(name)) missing.add(newTopic(name, partitions));
    }
    if (!missing.isEmpty()) {
      if (!config.createTopics()) {
        throw new ConfigException("missing topics " + missing.stream().map(NewTopic::name).toList() + " and topics.create=false");
      }
      create(admin, missing);
    }
    return partitions;
  }

  private int partitionCount(Map<String, Integer> existing) {
    Map<String, Integer> keyed = new HashMap<>();
    for (String name : topics.partitionedByImage()) {
      if (existing.containsKey(name)) keyed.put(name, existing.get(name));
    }
    if (Set.copyOf(keyed.values()).size() > 1) {
      throw new ConfigException("topics partitioned by image id must have the same partition count, found " + keyed);
    }
    return keyed.values().stream().findFirst().orElse(config.topicPartitions());
  }

  private NewTopic newTopic(String name, int partitions) {
    Optional<Short> rf = config.replicationFactor() > 0 ? Optional.of(config.replicationFactor()) : Optional.empty();
    Map<String, String> configs = new HashMap<>();
    if (topics.compacted().contains(name)) configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    if (name.equals(topics.deadLetter().name())) {
      configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(deadLetterMaxBytes(config)));
    } else if (carriesImages(name)) {
      configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes(config)));
    }
    return new NewTopic(name, Optional.of(partitions), rf).configs(configs);
  }

  /**
   * Topics whose records may hold a whole image, so they need more than the broker's default
   * 1 MB message limit: uploads may carry the image inline (a phone photo is 2-8 MB), content
   * requests carry fetched images, content results carry a failed upload's original record. Dead
   * letters carry a whole uploaded record and more: {@link #deadLetterMaxBytes}.
   */
  private boolean carriesImages(String name) {
    return name.equals(topics.uploaded().name()) || name.equals(topics.contentRequests().name())
        || name.equals(topics.contentResults().name());
  }

  /**
   * Largest record on a topic that carries images: an image at the size limit plus envelope
   * (Avro fields, record and batch headers). Producers of such records set max.request.size to
   * this, and the service's consumers max.partition.fetch.bytes.
   */
  public static int maxMessageBytes(LookalikeConfig config) {
    return (int) Math.min(Integer.MAX_VALUE, config.imageMaxBytes() + 1024L * 1024);
  }

  /**
   * Largest dead letter: it holds an uploaded record whole (up to {@link #maxMessageBytes}, key
   * and value), its key a second time, and a message of at most 2,000 characters. It must
   * always fit: a dead letter the broker refuses would fail the stream thread on every retry.
   * The service's producer sets max.request.size to this.
   */
  public static int deadLetterMaxBytes(LookalikeConfig config) {
    return (int) Math.min(Integer.MAX_VALUE, 2L * maxMessageBytes(config) + 64 * 1024);
  }

  private static Map<String, Integer> describe(Admin admin, List<String> names) {
    Map<String, Integer> counts = new HashMap<>();
    Set<String> present;
    try {
      present = admin.listTopics().names().get();
      List<String> wanted = names.stream().filter(present::contains).toList();
      if (wanted.isEmpty()) return counts;
      for (Map.Entry<String, TopicDescription> e : admin.describeTopics(wanted).allTopicNames().get().entrySet()) {
        counts.put(e.getKey(), e.getValue().partitions().size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe topics: " + e.getCause().getMessage(), e.getCause());
    }
    return counts;
  }

  private static void create(Admin admin, List<NewTopic> missing) {
    try {
      admin.createTopics(missing).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
      }
    }
  }
}
