package dev.lookalike.server.http;

import dev.lookalike.avro.internal.ImageState;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.server.query.ClusterQueries;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.VectorMath;
import dev.lookalike.topology.store.SearchFilter;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /v1/images/{id}}, its duplicates and its similar images. */
final class ImageRoutes {

  private final Api api;

  ImageRoutes(Api api) {
    this.api = api;
  }

  void get(Context ctx) {
    String id = Requests.imageId(ctx.pathParam("id"));
    ClusterQueries queries = api.cluster();
    String tenant = Requests.tenant(ctx);
    VectorConfig vector = api.vector(ctx.queryParam("targetVector"));
    Optional<VectorEntry> entry = queries.image(vector.name(), id).filter(e -> e.getTenant().equals(tenant));
    if (entry.isPresent()) {
      ctx.json(describe(entry.get(), "EMBEDDED"));
      return;
    }
    Optional<ImageStatus> status = queries.status(id).filter(s -> tenant.equals(s.getTenant()));
    if (status.isEmpty() || status.get().getState() == ImageState.DELETED) {
      throw ApiException.notFound("no image '" + id + "' for tenant '" + tenant + "'");
    }
    // EMBEDDED but not yet in the vector store: the match stage has not stored it yet.
    ImageState state = status.get().getState() == ImageState.EMBEDDED ? ImageState.PENDING : status.get().getState();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imageId", id);
    out.put("tenant", tenant);
    out.put("status", state.name());
    if (status.get().getErrorCode() != null) {
      out.put("error", Map.of("code", status.get().getErrorCode(), "message", String.valueOf(status.get().getMessage())));
    }
    ctx.json(out);
  }

  void duplicates(Context ctx) {
    VectorConfig vector = api.vector(ctx.queryParam("targetVector"));
    VectorEntry entry = existing(ctx, vector);
    float threshold = Requests.similarityParam(ctx, "minScore", vector.duplicateThreshold());
    SearchFilter filter = SearchFilter.tenant(entry.getTenant()).excluding(entry.getImageId()).withMinScore(threshold);
    List<ScoredImage> hits = api.cluster().search(vector.name(), VectorMath.toArray(entry.getVector()), filter, vector.maxDuplicatesPerImage());
    ctx.json(Map.of("imageId", entry.getImageId(), "targetVector", vector.name(), "threshold", threshold,
        "duplicates", SearchResults.of(hits, entry.getContentHash())));
  }

  void similar(Context ctx) {
    VectorConfig vector = api.vector(ctx.queryParam("targetVector"));
    VectorEntry entry = existing(ctx, vector);
    int limit = Requests.limit(ctx);
    float minScore = Requests.similarityParam(ctx, "minScore", -1f);
    SearchFilter filter = SearchFilter.tenant(entry.getTenant()).excluding(entry.getImageId()).withMinScore(minScore);
    List<ScoredImage> hits = api.cluster().search(vector.name(), VectorMath.toArray(entry.getVector()), filter, limit);
    ctx.json(Map.of("imageId", entry.getImageId(), "targetVector", vector.name(), "results", SearchResults.of(hits, null)));
  }

  private VectorEntry existing(Context ctx, VectorConfig vector) {
    String id = Requests.imageId(ctx.pathParam("id"));
    String tenant = Requests.tenant(ctx);
    return api.cluster().image(vector.name(), id)
        .filter(e -> e.getTenant().equals(tenant))
        .orElseThrow(() -> ApiException.notFound("no image '" + id + "' for tenant '" + tenant + "'"));
  }

  static Map<String, Object> describe(VectorEntry e, String status) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imageId", e.getImageId());
    out.put("tenant", e.getTenant());
    out.put("status", status);
    out.put("uploadedAt", e.getUploadedAt());
    out.put("contentHash", e.getContentHash());
    out.put("width", e.getWidth());
    out.put("height", e.getHeight());
    out.put("format", e.getFormat());
    out.put("tags", e.getTags());
    out.put("attributes", e.getAttributes());
    out.put("model", e.getModel());
    out.put("dims", e.getVector().size());
    return out;
  }
}
