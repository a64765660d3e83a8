package dev.lookalike.server.http;

import dev.lookalike.avro.internal.Thumbnail;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.Embedder;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the web page needs beyond the search API: {@code GET /v1/vectors} (the configured named
 * vectors, so the page offers text search only where a text tower exists) and
 * {@code GET /v1/images/{id}/thumbnail} (a JPEG of at most 128 px, made once per distinct content
 * by the content stage and found through the image's content hash).
 */
final class PageRoutes {

  private final Api api;
  private final Map<String, Embedder> embedders;

  PageRoutes(Api api, Map<String, Embedder> embedders) {
    this.api = api;
    this.embedders = embedders;
  }

  void vectors(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (VectorConfig v : api.config().vectors()) {
      Embedder embedder = embedders.get(v.name());
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", v.name());
      one.put("model", embedder == null ? null : embedder.modelId());
      one.put("dims", embedder == null ? null : dimensions(embedder));
      one.put("text", embedder != null && embedder.supportsText());
      one.put("duplicateThreshold", v.duplicateThreshold());
      out.add(one);
    }
    ctx.json(Map.of("vectors", out));
  }

  /** Hosted embedders may learn their dimension from the first answer: null until then. */
  private static Integer dimensions(Embedder embedder) {
    try {
      return embedder.dimensions();
    } catch (IllegalStateException notYetKnown) {
      return null;
    }
  }

  void thumbnail(Context ctx) {
    String id = Requests.imageId(ctx.pathParam("id"));
    String tenant = Requests.tenant(ctx);
    VectorConfig vector = api.vector(ctx.queryParam("targetVector"));
    VectorEntry entry = api.cluster().image(vector.name(), id)
        .filter(e -> e.getTenant().equals(tenant))
        .orElseThrow(() -> ApiException.notFound("no image '" + id + "' for tenant '" + tenant + "'"));
    String etag = "\"" + entry.getContentHash() + "\"";
    // The content hash names the bytes: a new version of the image is a new ETag.
    ctx.header("ETag", etag);
    ctx.header("Cache-Control", "private, no-cache");
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    Thumbnail thumbnail = api.cluster().thumbnail(entry.getContentHash())
        .orElseThrow(() -> ApiException.notFound("no thumbnail for image '" + id + "' yet"));
    ByteBuffer jpeg = thumbnail.getJpeg().duplicate();
    byte[] bytes = new byte[jpeg.remaining()];
    jpeg.get(bytes);
    ctx.contentType("image/jpeg").result(bytes);
  }
}
