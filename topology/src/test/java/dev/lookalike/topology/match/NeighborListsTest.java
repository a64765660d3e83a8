package dev.lookalike.topology.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.internal.Neighbor;
import java.util.List;
import org.junit.jupiter.api.Test;

class NeighborListsTest {

  private static Neighbor n(String id, float score) {
    return new Neighbor(id, score, 0L, "", 0L);
  }

  @Test
  void mergeIsAUnionKeptBestFirstWithDeterministicTies() {
    List<Neighbor> a = NeighborLists.merge(List.of(n("x", 0.5f)), List.of(n("b", 0.9f), n("a", 0.9f), n("c", 0.1f)), 3, -1f);
    List<Neighbor> b = NeighborLists.merge(List.of(n("c", 0.1f), n("a", 0.9f)), List.of(n("x", 0.5f), n("b", 0.9f)), 3, -1f);
    assertThat(NeighborLists.ids(a)).containsExactly("a", "b", "x").isEqualTo(NeighborLists.ids(b));
  }

  @Test
  void admissionFloorFollowsTheListAndIsClosedWhenListsAreOff() {
    assertThat(NeighborLists.admissionFloor(List.of(n("a", 0.9f)), 2, 0.1f)).isEqualTo(0.1f);
    assertThat(NeighborLists.admissionFloor(List.of(n("a", 0.9f), n("b", 0.4f)), 2, 0.1f)).isEqualTo(0.4f);
    assertThat(NeighborLists.admissionFloor(List.of(), 0, -1f)).isEqualTo(Float.POSITIVE_INFINITY);
  }
}
