package dev.lookalike.topology.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact nearest-neighbour search by scanning. Vectors of one tenant sit in one contiguous float
 * array (cache-friendly, no per-vector objects); tenants are separate segments, so a search never
 * touches another tenant's vectors. Not thread-safe: the owning store serializes access.
 */
public final class ExactScanIndex implements VectorIndex {

  private int dims;
  private final Map<String, Segment> segments = new HashMap<>();
  private final Map<String, Segment> segmentOfImage = new HashMap<>();

  /** @param dims vector length, or 0 to take it from the first vector stored */
  public ExactScanIndex(int dims) {
    this.dims = dims;
  }

  @Override
  public void upsert(IndexedImage image, float[] vector) {
    if (dims == 0) dims = vector.length;
    if (vector.length != dims) {
      throw new IllegalArgumentException("vector of " + vector.length + " dims in a " + dims + "-dim index");
    }
    remove(image.imageId());
    Segment segment = segments.computeIfAbsent(image.tenant(), t -> new Segment(dims));
    segment.add(image, vector);
    segmentOfImage.put(image.imageId(), segment);
  }

  @Override
  public boolean remove(String imageId) {
    Segment segment = segmentOfImage.remove(imageId);
    return segment != null && segment.remove(imageId);
  }

  @Override
  public int size() {
    return segmentOfImage.size();
  }

  @Override
  public int dimensions() {
    return dims;
  }

  @Override
  public IndexedImage image(String imageId) {
    Segment segment = segmentOfImage.get(imageId);
    return segment == null ? null : segment.image(imageId);
  }

  @Override
  public float[] vector(String imageId) {
    Segment segment = segmentOfImage.get(imageId);
    return segment == null ? null : segment.vector(imageId);
  }

  @Override
  public void search(float[] query, SearchFilter filter, KnnRequest request, KnnCollector collector) {
    Segment segment = segments.get(filter.tenant());
    if (segment != null) segment.scan(query, filter, collector);
  }

  /** One tenant's vectors: slot i holds images.get(i) at vectors[i*dims .. (i+1)*dims). */
  private static final class Segment {
    private final int dims;
    private final List<IndexedImage> images = new ArrayList<>();
    private final Map<String, Integer> slotOf = new HashMap<>();
    private float[] vectors;

    Segment(int dims) {
      this.dims = dims;
      this.vectors = new float[dims * 16];
    }

    void add(IndexedImage image, float[] vector) {
      int slot = images.size();
      if ((slot + 1) * dims > vectors.length) vectors = Arrays.copyOf(vectors, vectors.length * 2);
      System.arraycopy(vector, 0, vectors, slot * dims, dims);
      images.add(image);
      slotOf.put(image.imageId(), slot);
    }

    boolean remove(String imageId) {
      Integer slot = slotOf.remove(imageId);
      if (slot == null) return false;
      int last = images.size() - 1;
      if (slot != last) {
        // Move the last vector into the hole: removal stays O(dims), storage stays dense.
        System.arraycopy(vectors, last * dims, vectors, slot * dims, dims);
        IndexedImage moved = images.get(last);
        images.set(slot, moved);
        slotOf.put(moved.imageId(), slot);
      }
      images.remove(last);
      return true;
    }

    IndexedImage image(String imageId) {
      return images.get(slotOf.get(imageId));
    }

    float[] vector(String imageId) {
      int slot = slotOf.get(imageId);
      return Arrays.copyOfRange(vectors, slot * dims, (slot + 1) * dims);
    }

    void scan(float[] query, SearchFilter filter, KnnCollector collector) {
      for (int slot = 0, n = images.size(); slot < n; slot++) {
        float score = VectorMath.dot(query, vectors, slot * dims, dims);
        if (score < filter.minScore() || score < collector.minCompetitiveScore()) continue;
        IndexedImage image = images.get(slot);
        if (filter.accepts(image)) collector.collect(image, score);
      }
    }
  }
}
