package dev.lookalike.server.events;

import dev.lookalike.avro.NearDuplicateDetected;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One tenant's near-duplicate graph: a union-find over image ids joined by pairs, and the pairs
 * themselves (one per (imageId, duplicateOf), the latest event winning). Removing an image takes
 * its pairs out and may split its group: the union-find cannot split, so it is rebuilt from the
 * pairs left, once, when next needed. Thread-safe: the feed's consumer thread writes, HTTP threads
 * read.
 *
 * <p>Bounded by {@code maxPairs}: a pair beyond it is counted in {@link #dropped()} and neither
 * stored nor joined, so a tenant holds at most maxPairs pairs and 2 x maxPairs image ids. A pair
 * costs about 400 bytes with 36-character ids (the pair and its key, its two ids, up to two
 * union-find entries), so the default 100,000 pairs is roughly 40 MB per tenant
 * at most.
 */
public final class DuplicateGraph {

  /** One pair as the API shows it; the same two images may pair under each named vector. */
  public record Pair(String imageId, String duplicateOf, float similarity, String kind, String vector) {}

  /** A connected group: its images (sorted), how many pairs join them, and the strongest of those pairs. */
  public record Group(List<String> images, int pairCount, List<Pair> pairs) {
    public int size() {
      return images.size();
    }
  }

  /** A page of groups and how many groups there are in all. */
  public record Page(int total, List<Group> groups, long droppedPairs) {}

  private static final Comparator<Pair> STRONGEST_FIRST = Comparator.comparingDouble((Pair p) -> p.similarity()).reversed()
      .thenComparing(Pair::imageId).thenComparing(Pair::duplicateOf).thenComparing(Pair::vector);

  private final int maxPairs;
  private final Map<String, String> parent = new HashMap<>();
  private final Map<String, Pair> pairs = new LinkedHashMap<>();
  // The keys of each image's pairs, so removing an image does not scan every pair.
  private final Map<String, Set<String>> pairKeysByImage = new HashMap<>();
  private boolean stale; // an image was removed since the union-find was built
  private long dropped;

  public DuplicateGraph(int maxPairs) {
    this.maxPairs = maxPairs;
  }

  /** Adds the event's pair; false when it was dropped over the cap. */
  public synchronized boolean add(NearDuplicateDetected event) {
    String a = event.getImageId();
    String b = event.getDuplicateOf();
    String key = a + '\u0000' + b + '\u0000' + event.getVectorName();
    if (!pairs.containsKey(key) && pairs.size() >= maxPairs) {
      dropped++;
      return false;
    }
    pairs.put(key, new Pair(a, b, event.getSimilarity(), event.getKind().name(), event.getVectorName()));
    pairKeysByImage.computeIfAbsent(a, id -> new HashSet<>()).add(key);
    pairKeysByImage.computeIfAbsent(b, id -> new HashSet<>()).add(key);
    if (!stale) union(a, b);
    return true;
  }

  /** Takes out every pair of the image; false when it had none. */
  public synchronized boolean remove(String imageId) {
    Set<String> keys = pairKeysByImage.remove(imageId);
    if (keys == null) return false;
    for (String key : keys) {
      Pair pair = pairs.remove(key);
      String other = pair.imageId().equals(imageId) ? pair.duplicateOf() : pair.imageId();
      Set<String> otherKeys = pairKeysByImage.get(other);
      if (otherKeys != null && otherKeys.remove(key) && otherKeys.isEmpty()) pairKeysByImage.remove(other);
    }
    stale = true;
    return true;
  }

  private void rebuildIfStale() {
    if (!stale) return;
    parent.clear();
    for (Pair pair : pairs.values()) union(pair.imageId(), pair.duplicateOf());
    stale = false;
  }

  private void union(String a, String b) {
    intern(a);
    intern(b);
    String ra = find(a);
    String rb = find(b);
    if (!ra.equals(rb)) {
      // The smaller id is the root, which keeps the structure deterministic; paths are compressed by find.
      if (ra.compareTo(rb) < 0) parent.put(rb, ra); else parent.put(ra, rb);
    }
  }

  private String intern(String id) {
    parent.putIfAbsent(id, id);
    return id;
  }

  private String find(String id) {
    String root = id;
    while (true) {
      String up = parent.get(root);
      if (up == null || up.equals(root)) break;
      root = up;
    }
    String at = id;
    while (!at.equals(root)) {
      String up = parent.put(at, root);
      at = up;
    }
    return root;
  }

  public synchronized long dropped() {
    return dropped;
  }

  public synchronized int pairCount() {
    return pairs.size();
  }

  /**
   * Groups of two or more images, largest first, ties by smallest image id; {@code limit} from
   * {@code offset}. Each group shows at most {@code pairsPerGroup} pairs, strongest first: a group
   * of n images can hold n(n-1)/2 pairs, too many to send or to read.
   */
  public synchronized Page page(int offset, int limit, int pairsPerGroup) {
    rebuildIfStale();
    Map<String, TreeSet<String>> members = new HashMap<>();
    for (String id : parent.keySet()) members.computeIfAbsent(find(id), r -> new TreeSet<>()).add(id);
    List<TreeSet<String>> ordered = new ArrayList<>(members.values());
    ordered.removeIf(s -> s.size() < 2);
    ordered.sort(Comparator.<TreeSet<String>>comparingInt(TreeSet::size).reversed().thenComparing(TreeSet::first));
    List<TreeSet<String>> chosen = offset >= ordered.size() ? List.of()
        : ordered.subList(offset, Math.min(ordered.size(), offset + limit));
    Map<String, List<Pair>> pairsByRoot = new HashMap<>();
    for (TreeSet<String> group : chosen) pairsByRoot.put(find(group.first()), new ArrayList<>());
    for (Pair p : pairs.values()) {
      List<Pair> list = pairsByRoot.get(find(p.imageId()));
      if (list != null) list.add(p);
    }
    List<Group> out = new ArrayList<>();
    for (TreeSet<String> group : chosen) {
      List<Pair> all = pairsByRoot.get(find(group.first()));
      List<Pair> strongest = all.stream().sorted(STRONGEST_FIRST).limit(pairsPerGroup).toList();
      out.add(new Group(List.copyOf(group), all.size(), strongest));
    }
    return new Page(ordered.size(), out, dropped);
  }
}
