package dev.lookalike.topology.store;

import java.util.List;
import java.util.Map;

/**
 * What the index keeps beside each vector: enough to filter and to order pairs, no pixels.
 * {@code uploadedAt} and {@code imageId} together give every image a total order ({@link PairOrder});
 * the later image of a duplicate pair is the one reported as the duplicate.
 */
public record IndexedImage(String imageId, String tenant, long uploadedAt, long version, String contentHash,
                           List<String> tags, Map<String, String> attributes) {}
