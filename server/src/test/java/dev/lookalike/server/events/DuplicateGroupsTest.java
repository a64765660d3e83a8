package dev.lookalike.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DuplicateKind;
import dev.lookalike.avro.NearDuplicateDetected;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pairs and deletes arrive from two topics in either order; timestamps decide what is live. */
class DuplicateGroupsTest {

  @Test
  void aDeleteTakesTheImageOutOfItsTenantsGroups() {
    DuplicateGroups groups = new DuplicateGroups(100);
    assertThat(groups.addPair(pair("b", "a", "t1"), 10)).isTrue();
    assertThat(groups.addPair(pair("y", "x", "t2"), 11)).isTrue();

    groups.delete("a", 20);

    assertThat(groups.page("t1", 0, 10, 10).total()).isZero();
    assertThat(images(groups, "t2")).containsExactly(List.of("x", "y"));
  }

  @Test
  void aPairReadAfterTheDeleteOfOneOfItsImagesStaysOut() {
    DuplicateGroups groups = new DuplicateGroups(100);
    groups.delete("a", 20); // a replay may read the delete first

    assertThat(groups.addPair(pair("b", "a", "t1"), 10)).as("older than the delete of a").isFalse();
    assertThat(groups.addPair(pair("a", "c", "t1"), 20)).as("as old as the delete of a").isFalse();
    assertThat(groups.page("t1", 0, 10, 10).total()).isZero();
  }

  @Test
  void anIdUploadedAgainAfterItsDeletePairsAgain() {
    DuplicateGroups groups = new DuplicateGroups(100);
    groups.addPair(pair("b", "a", "t1"), 10);
    groups.delete("a", 20);

    assertThat(groups.addPair(pair("a", "b", "t1"), 30)).isTrue();

    assertThat(images(groups, "t1")).containsExactly(List.of("a", "b"));
  }

  private static List<List<String>> images(DuplicateGroups groups, String tenant) {
    return groups.page(tenant, 0, 10, 10).groups().stream().map(DuplicateGraph.Group::images).toList();
  }

  private static NearDuplicateDetected pair(String image, String of, String tenant) {
    return NearDuplicateDetected.newBuilder().setImageId(image).setDuplicateOf(of).setTenant(tenant).setSimilarity(0.95f)
        .setKind(DuplicateKind.NEAR).setVectorName("perceptual").setDetectedAt(Instant.EPOCH).build();
  }
}
