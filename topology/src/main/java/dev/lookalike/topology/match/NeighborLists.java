package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.Neighbor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure functions over neighbour lists (best first, ties by id, at most a capacity). Merging is a
 * union, so the final list does not depend on the order in which hits arrive.
 */
public final class NeighborLists {

  public static final Comparator<Neighbor> BEST_FIRST =
      Comparator.comparing(Neighbor::getScore, Comparator.reverseOrder()).thenComparing(Neighbor::getImageId);

  private NeighborLists() {}

  public static List<Neighbor> merge(List<Neighbor> current, List<Neighbor> additions, int capacity, float minScore) {
    Map<String, Neighbor> byId = new LinkedHashMap<>();
    for (Neighbor n : current) byId.put(n.getImageId(), n);
    for (Neighbor n : additions) {
      if (n.getScore() >= minScore) byId.put(n.getImageId(), n);
    }
    List<Neighbor> merged = new ArrayList<>(byId.values());
    merged.sort(BEST_FIRST);
    return merged.size() <= capacity ? merged : new ArrayList<>(merged.subList(0, capacity));
  }

  public static List<Neighbor> without(List<Neighbor> current, String imageId) {
    return current.stream().filter(n -> !n.getImageId().equals(imageId)).toList();
  }

  public static boolean contains(List<Neighbor> list, String imageId) {
    return list.stream().anyMatch(n -> n.getImageId().equals(imageId));
  }

  /** The score a candidate must beat to enter a list (anything at or above minScore while not full). */
  public static float admissionFloor(List<Neighbor> list, int capacity, float minScore) {
    if (capacity == 0) return Float.POSITIVE_INFINITY; // lists are off: nothing is ever admitted
    return list.size() < capacity ? minScore : Math.max(minScore, list.get(list.size() - 1).getScore());
  }

  public static List<String> ids(List<Neighbor> list) {
    return list.stream().map(Neighbor::getImageId).toList();
  }
}
