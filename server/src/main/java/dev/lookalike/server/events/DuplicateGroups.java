package dev.lookalike.server.events;

import dev.lookalike.avro.NearDuplicateDetected;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every tenant's {@link DuplicateGraph}, kept free of deleted images. Pairs and deletes come from
 * different topics, read in no fixed order from each other (a restart replays both), so they are
 * ordered by their record timestamps: a pair at or before a delete of either of its images is
 * gone; a pair after it (the id uploaded again) is live. One writer thread; readers any thread.
 *
 * <p>Memory: one entry per deleted image id (about 100 bytes), kept for as long as the process
 * runs, as the topology's own deleted stores keep them: a pair replayed late must still meet its
 * delete.
 */
final class DuplicateGroups {

  private final int maxPairsPerTenant;
  private final Map<String, DuplicateGraph> graphs = new ConcurrentHashMap<>();
  private final Map<String, Long> deletedAt = new HashMap<>(); // writer thread only

  DuplicateGroups(int maxPairsPerTenant) {
    this.maxPairsPerTenant = maxPairsPerTenant;
  }

  /** Adds a pair read with this record timestamp; false when one of its images was deleted since. */
  boolean addPair(NearDuplicateDetected event, long timestamp) {
    if (deletedSince(event.getImageId(), timestamp) || deletedSince(event.getDuplicateOf(), timestamp)) return false;
    graphs.computeIfAbsent(event.getTenant(), t -> new DuplicateGraph(maxPairsPerTenant)).add(event);
    return true;
  }

  /** The image was deleted at this record timestamp: its pairs leave every tenant's groups (ids are topic keys, so global). */
  void delete(String imageId, long timestamp) {
    deletedAt.merge(imageId, timestamp, Math::max);
    for (DuplicateGraph graph : graphs.values()) graph.remove(imageId);
  }

  private boolean deletedSince(String imageId, long timestamp) {
    Long deleted = deletedAt.get(imageId);
    return deleted != null && deleted >= timestamp;
  }

  DuplicateGraph.Page page(String tenant, int offset, int limit, int pairsPerGroup) {
    DuplicateGraph graph = graphs.get(tenant);
    return graph == null ? new DuplicateGraph.Page(0, List.of(), 0) : graph.page(offset, limit, pairsPerGroup);
  }
}
