package dev.lookalike.server.http;

import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.Scores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON shapes of search hits. */
final class SearchResults {

  private SearchResults() {}

  static List<Map<String, Object>> of(List<ScoredImage> hits, String queryContentHash) {
    return hits.stream().map(hit -> hit(hit, queryContentHash)).toList();
  }

  private static Map<String, Object> hit(ScoredImage hit, String queryContentHash) {
    IndexedImage image = hit.image();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imageId", image.imageId());
    out.put("score", Scores.clamp(hit.score()));
    if (queryContentHash != null) out.put("kind", queryContentHash.equals(image.contentHash()) ? "EXACT" : "NEAR");
    out.put("tenant", image.tenant());
    out.put("uploadedAt", image.uploadedAt());
    out.put("tags", image.tags());
    out.put("attributes", image.attributes());
    return out;
  }
}
