package dev.lookalike.topology.store;

import java.util.List;
import java.util.Map;

/**
 * Which stored images a search may return. The tenant is mandatory: a tenant never sees another
 * tenant's images. Tags must all be present; attributes must all be equal.
 */
public record SearchFilter(String tenant, List<String> tags, Map<String, String> attributes, String excludeId, float minScore) {

  public SearchFilter {
    if (tenant == null || tenant.isEmpty()) throw new IllegalArgumentException("a search needs a tenant");
    tags = tags == null ? List.of() : List.copyOf(tags);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public static SearchFilter tenant(String tenant) {
    return new SearchFilter(tenant, List.of(), Map.of(), null, -1f);
  }

  public SearchFilter excluding(String imageId) {
    return new SearchFilter(tenant, tags, attributes, imageId, minScore);
  }

  public SearchFilter withMinScore(float min) {
    return new SearchFilter(tenant, tags, attributes, excludeId, min);
  }

  /** True when tags or attributes are required (named so, not isX: filters travel between instances as JSON). */
  public boolean filtersByMetadata() {
    return !tags.isEmpty() || !attributes.isEmpty();
  }

  /** The checks that need metadata; tenant is handled by the index layout. */
  public boolean accepts(IndexedImage image) {
    if (excludeId != null && excludeId.equals(image.imageId())) return false;
    if (!tags.isEmpty() && !image.tags().containsAll(tags)) return false;
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      if (!e.getValue().equals(image.attributes().get(e.getKey()))) return false;
    }
    return true;
  }
}
