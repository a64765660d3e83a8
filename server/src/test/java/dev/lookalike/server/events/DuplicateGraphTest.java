package dev.lookalike.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DuplicateKind;
import dev.lookalike.avro.NearDuplicateDetected;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateGraphTest {

  @Test
  void theSamePairUnderTwoVectorsIsTwoPairs() {
    DuplicateGraph graph = new DuplicateGraph(100);
    graph.add(pair("b", "a", 0.95f, "perceptual"));
    graph.add(pair("b", "a", 0.91f, "clip"));
    graph.add(pair("b", "a", 0.97f, "perceptual")); // the latest event of a pair wins

    DuplicateGraph.Group group = graph.page(0, 10, 10).groups().get(0);
    assertThat(group.pairCount()).isEqualTo(2);
    assertThat(group.pairs()).extracting(DuplicateGraph.Pair::vector, DuplicateGraph.Pair::similarity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("perceptual", 0.97f), org.assertj.core.groups.Tuple.tuple("clip", 0.91f));
  }

  @Test
  void aLargeGroupListsOnlyItsStrongestPairsAndCountsTheRest() {
    DuplicateGraph graph = new DuplicateGraph(10_000);
    int n = 42;
    for (int i = 1; i < n; i++) {
      for (int j = 0; j < i; j++) graph.add(pair("img-" + i, "img-" + j, 0.9f + (i * n + j) / 1e5f, "perceptual"));
    }
    DuplicateGraph.Group group = graph.page(0, 1, 5).groups().get(0);
    assertThat(group.size()).isEqualTo(n);
    assertThat(group.pairCount()).isEqualTo(n * (n - 1) / 2);
    assertThat(group.pairs()).hasSize(5);
    assertThat(group.pairs().get(0)).extracting(DuplicateGraph.Pair::imageId, DuplicateGraph.Pair::duplicateOf)
        .containsExactly("img-41", "img-40");
    assertThat(group.pairs()).isSortedAccordingTo((x, y) -> Float.compare(y.similarity(), x.similarity()));
    assertThat(graph.page(0, 1, 0).groups().get(0).pairs()).isEmpty();
  }

  @Test
  void removingTheImageThatBridgedTwoGroupsSplitsThem() {
    DuplicateGraph graph = new DuplicateGraph(100);
    graph.add(pair("a2", "a1", 0.9f, "perceptual"));
    graph.add(pair("bridge", "a1", 0.9f, "perceptual"));
    graph.add(pair("b1", "bridge", 0.9f, "perceptual"));
    graph.add(pair("b2", "b1", 0.9f, "perceptual"));
    assertThat(graph.page(0, 10, 10).groups()).extracting(DuplicateGraph.Group::images)
        .containsExactly(List.of("a1", "a2", "b1", "b2", "bridge"));

    assertThat(graph.remove("bridge")).isTrue();

    DuplicateGraph.Page page = graph.page(0, 10, 10);
    assertThat(page.groups()).extracting(DuplicateGraph.Group::images)
        .containsExactly(List.of("a1", "a2"), List.of("b1", "b2"));
    assertThat(page.groups()).flatExtracting(DuplicateGraph.Group::pairs)
        .noneMatch(p -> p.imageId().equals("bridge") || p.duplicateOf().equals("bridge"));
    assertThat(graph.pairCount()).isEqualTo(2);
    assertThat(graph.remove("bridge")).as("nothing left to remove").isFalse();
  }

  @Test
  void aGroupOfTwoIsGoneWithEitherImageAndComesBackWithANewPair() {
    DuplicateGraph graph = new DuplicateGraph(1);
    graph.add(pair("b", "a", 0.9f, "perceptual"));
    graph.remove("a");
    assertThat(graph.page(0, 10, 10).total()).isZero();
    assertThat(graph.add(pair("c", "b", 0.9f, "perceptual"))).as("the removed pair freed its room under the cap").isTrue();
    graph.add(pair("d", "c", 0.9f, "perceptual")); // over the cap of 1: dropped
    assertThat(graph.page(0, 10, 10).groups()).extracting(DuplicateGraph.Group::images).containsExactly(List.of("b", "c"));
  }

  private static NearDuplicateDetected pair(String image, String of, float similarity, String vector) {
    return NearDuplicateDetected.newBuilder().setImageId(image).setDuplicateOf(of).setTenant("t").setSimilarity(similarity)
        .setKind(DuplicateKind.NEAR).setVectorName(vector).setDetectedAt(Instant.EPOCH).build();
  }
}
