package dev.lookalike.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.SearchFilter;
import dev.lookalike.topology.store.VectorMath;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code POST /v1/search}: nearImage, nearVector or nearObject, with a filter and a limit. */
final class SearchRoutes {

  // Strict: a typo in a field name, or text after the JSON, is an error the client should see.
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Api api;
  private final QueryVectors vectors;

  SearchRoutes(Api api, QueryVectors vectors) {
    this.api = api;
    this.vectors = vectors;
  }

  void search(Context ctx) {
    long start = System.nanoTime();
    SearchRequest request = parse(ctx.bodyAsBytes());
    if (request == null) throw ApiException.badRequest("the body must be a JSON object, not null"); // else a 500
    Hits hits = run(ctx, request);
    ctx.json(Map.of("targetVector", hits.vector(), "results", SearchResults.of(hits.images(), null),
        "tookMs", (System.nanoTime() - start) / 1_000_000));
  }

  /** What a search found, and in which named vector. */
  record Hits(String vector, List<ScoredImage> images) {}

  /** Runs a search as /v1/search does: nearObject's own image is left out of its answer. */
  Hits run(Context ctx, SearchRequest request) {
    return run(ctx, request, false);
  }

  /**
   * Runs a search however it was asked: the JSON body of /v1/search, or a Weaviate GraphQL query,
   * which keeps nearObject's own image (Weaviate answers it first, at distance 0).
   */
  Hits run(Context ctx, SearchRequest request, boolean keepNearObject) {
    // By stream: an immutable list's contains(null) throws.
    if (request.filter() != null && (request.filter().tags() != null && request.filter().tags().stream().anyMatch(Objects::isNull)
        || request.filter().attributes() != null && request.filter().attributes().values().stream().anyMatch(Objects::isNull))) {
      throw ApiException.badRequest("filter tags and attribute values must not be null");
    }
    if (request.operatorCount() != 1) throw ApiException.badRequest("give exactly one of nearImage, nearText, nearVector, nearObject");
    VectorConfig vector = api.vector(request.targetVector());
    int limit = Requests.checkLimit(request.limitOrDefault());
    String tenant = Requests.tenant(ctx, request.filter() == null ? null : request.filter().tenant());
    SearchFilter filter = new SearchFilter(tenant, request.filter() == null ? null : request.filter().tags(),
        request.filter() == null ? null : request.filter().attributes(), null, request.effectiveMinScore());
    float[] query;
    if (request.nearObject() != null) {
      VectorEntry entry = nearObject(vector, request.nearObject(), tenant);
      query = VectorMath.toArray(entry.getVector());
      if (!keepNearObject) filter = filter.excluding(entry.getImageId());
    } else if (request.nearText() != null) {
      query = vectors.ofText(tenant, vector.name(), request.nearText().query());
    } else if (request.nearVector() != null) {
      query = vectors.ofVector(vector.name(), request.nearVector().vector());
    } else {
      query = vectors.ofImage(tenant, vector.name(), request.nearImage());
    }
    return new Hits(vector.name(), api.cluster().search(vector.name(), query, filter, limit));
  }

  /**
   * {@code POST /v1/search/image}: the query image as the raw body (any image content type);
   * targetVector, limit, minScore, tenant and tag (repeatable) as query parameters.
   */
  void searchByUpload(Context ctx) {
    long start = System.nanoTime();
    VectorConfig vector = api.vector(ctx.queryParam("targetVector"));
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) throw ApiException.badRequest("send the image as the request body");
    String tenant = Requests.tenant(ctx);
    SearchFilter filter = new SearchFilter(tenant, ctx.queryParams("tag"), null, null, Requests.similarityParam(ctx, "minScore", -1f));
    float[] query = vectors.ofBytes(tenant, vector.name(), bytes);
    List<ScoredImage> hits = api.cluster().search(vector.name(), query, filter, Requests.limit(ctx));
    ctx.json(Map.of("targetVector", vector.name(), "results", SearchResults.of(hits, null),
        "tookMs", (System.nanoTime() - start) / 1_000_000));
  }

  private VectorEntry nearObject(VectorConfig vector, SearchRequest.NearObject near, String tenant) {
    if (near.id() == null || near.id().isBlank()) throw ApiException.badRequest("nearObject needs an id");
    String id = Requests.imageId(near.id());
    return api.cluster().image(vector.name(), id)
        .filter(e -> e.getTenant().equals(tenant))
        .orElseThrow(() -> ApiException.notFound("no image '" + near.id() + "' for tenant '" + tenant + "'"));
  }

  static SearchRequest parse(byte[] body) {
    if (body.length == 0) throw ApiException.badRequest("a JSON body is required");
    try {
      return JSON.readValue(body, SearchRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("unreadable body: " + e.getMessage());
    }
  }
}
