package dev.lookalike.topology.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the index keeps beside each vector: enough to filter and to order pairs, no pixels.
 * {@code uploadedAt} and {@code imageId} together give every image a total order ({@link PairOrder});
 * the later image of a duplicate pair is the one reported as the duplicate.
 *
 * <p>Equal by its seven values, like a record. It also carries one mutable, stream-thread-only
 * cache: the score a newcomer must reach to enter this image's neighbour list. The match stage
 * reads it for every image a search passes over, so it sits here, where the search already has
 * the image in hand, instead of in a map looked up by id (measured: a fifth of the match stage's
 * CPU went to that lookup). A graph index keeps the floor in a column and copies it into the
 * images it hands out; set it through {@link VectorIndex#admissionFloor(String, float)}.
 */
public final class IndexedImage {

  private final String imageId;
  private final String tenant;
  private final long uploadedAt;
  private final long version;
  private final String contentHash;
  private final List<String> tags;
  private final Map<String, String> attributes;
  private float admissionFloor = Float.NaN;

  public IndexedImage(String imageId, String tenant, long uploadedAt, long version, String contentHash, List<String> tags,
                      Map<String, String> attributes) {
    this.imageId = imageId;
    this.tenant = tenant;
    this.uploadedAt = uploadedAt;
    this.version = version;
    this.contentHash = contentHash;
    this.tags = tags;
    this.attributes = attributes;
  }

  public String imageId() { return imageId; }

  public String tenant() { return tenant; }

  public long uploadedAt() { return uploadedAt; }

  public long version() { return version; }

  public String contentHash() { return contentHash; }

  public List<String> tags() { return tags; }

  public Map<String, String> attributes() { return attributes; }

  /** The cached admission score of this image's neighbour list; NaN when not known yet. */
  public float admissionFloor() { return admissionFloor; }

  /** Stream thread only. NaN forgets the cached score. */
  public void admissionFloor(float floor) { this.admissionFloor = floor; }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexedImage other && uploadedAt == other.uploadedAt && version == other.version
        && imageId.equals(other.imageId) && tenant.equals(other.tenant) && Objects.equals(contentHash, other.contentHash)
        && Objects.equals(tags, other.tags) && Objects.equals(attributes, other.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(imageId, tenant, uploadedAt, version, contentHash, tags, attributes);
  }

  @Override
  public String toString() {
    return "IndexedImage[imageId=" + imageId + ", tenant=" + tenant + ", uploadedAt=" + uploadedAt + ", version=" + version + "]";
  }
}
