package dev.lookalike.topology.store;

import java.util.List;
import java.util.Map;

/**
 * What the index keeps beside each vector: enough to filter and to order pairs, no pixels.
 * {@code uploadedAt} and {@code imageId} together give every image a total order; the later image
 * of a duplicate pair is the one reported as the duplicate.
 */
public record IndexedImage(String imageId, String tenant, long uploadedAt, long version, String contentHash,
                           List<String> tags, Map<String, String> attributes) {

  /** True when this image comes after {@code other} in upload order. */
  public boolean isLaterThan(long otherUploadedAt, String otherImageId) {
    return PairOrder.compare(uploadedAt, imageId, otherUploadedAt, otherImageId) > 0;
  }
}
