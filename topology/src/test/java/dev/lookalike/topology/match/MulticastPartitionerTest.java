package dev.lookalike.topology.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/**
 * A QUERY goes to every partition but the image's home (searched inline by the embedded
 * processor); DELETE and REFRESH go everywhere. "Home" must be where Kafka's default partitioner
 * puts the image-keyed record, or one partition would be searched twice and another never.
 */
class MulticastPartitionerTest {

  private final MulticastPartitioner partitioner = new MulticastPartitioner();

  @Test
  void homeIsWhereTheDefaultPartitionerPutsTheKey() {
    for (int i = 0; i < 200; i++) {
      String key = "img-" + i;
      assertThat(MulticastPartitioner.home(key, 7))
          .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 7));
    }
  }

  @Test
  void aQuerySkipsItsHomeOtherMessagesReachEveryPartition() {
    String key = "img-42";
    int home = MulticastPartitioner.home(key, 4);
    assertThat(partitions(MatchType.QUERY, key, 4)).hasSize(3).doesNotContain(home);
    assertThat(partitions(MatchType.DELETE, key, 4)).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(partitions(MatchType.REFRESH, key, 4)).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(partitions(MatchType.QUERY, key, 1)).isEmpty();
  }

  private Set<Integer> partitions(MatchType type, String key, int n) {
    MatchMessage message = MatchMessage.newBuilder().setType(type).setVectorName("v").setImageId(key).setTenant("t")
        .setUploadedAt(1).setVersion(1).setContentHash("h").setVector(type == MatchType.DELETE ? null : List.of(1f)).build();
    return partitioner.partitions("match", key, message, n).orElseThrow();
  }
}
