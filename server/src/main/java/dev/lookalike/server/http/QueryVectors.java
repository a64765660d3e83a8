package dev.lookalike.server.http;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageErrorCode;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.image.ImageLoadException;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.metrics.TopologyMetrics;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Turns what a client sends (an image by URL or base64, a raw vector) into a query vector. */
final class QueryVectors {

  private final Map<String, Embedder> embedders;
  private final TopologyServices services;
  private final TopologyMetrics metrics;
  private final ImageFetcher fetcher;
  private final Bulkhead embedding;
  private final Bulkhead fetching;

  QueryVectors(TopologyServices services, ImageFetcher fetcher, Bulkhead embedding, Bulkhead fetching) {
    this.embedders = services.embeddersByName();
    this.services = services;
    this.metrics = new TopologyMetrics(services.meters());
    this.fetcher = fetcher;
    this.embedding = embedding;
    this.fetching = fetching;
  }

  // Every method takes the tenant asking: each tenant holds at most its share of the bulkheads.

  float[] ofImage(String tenant, String vectorName, SearchRequest.NearImage nearImage) {
    boolean hasUrl = nearImage.url() != null;
    boolean hasInline = nearImage.inlineBase64() != null;
    if (hasUrl == hasInline) throw ApiException.badRequest("nearImage needs exactly one of url or base64 (or image)");
    byte[] bytes = hasUrl ? fetch(tenant, nearImage.url()) : base64(nearImage.inlineBase64());
    return ofBytes(tenant, vectorName, bytes);
  }

  /** An image given as an http(s) URL, a data URL or bare base64 (the hosted APIs' "image" fields). */
  float[] ofImage(String tenant, String vectorName, String urlOrData) {
    return ofImage(tenant, vectorName, urlOrData, fetchDeadline());
  }

  /** As above, a URL fetched by {@code deadlineNanos} ({@link System#nanoTime()}) at the latest. */
  float[] ofImage(String tenant, String vectorName, String urlOrData, long deadlineNanos) {
    boolean isUrl = urlOrData.startsWith("http://") || urlOrData.startsWith("https://");
    return ofBytes(tenant, vectorName, isUrl ? fetch(tenant, urlOrData, deadlineNanos) : base64(urlOrData));
  }

  /** When a request's fetches, started now, must all be done: the fetch deadline of one image. */
  long fetchDeadline() {
    return System.nanoTime() + fetchTimeout().toNanos();
  }

  Duration fetchTimeout() {
    return fetcher.config().totalTimeout();
  }

  /** 422 when the named vector has no text encoder, as Foundry answers for an unsupported modality. */
  float[] ofText(String tenant, String vectorName, String text) {
    Embedder embedder = embedders.get(vectorName);
    if (!embedder.supportsText()) {
      throw new ApiException(422, "TEXT_NOT_SUPPORTED", "vector '" + vectorName + "' has no text encoder");
    }
    if (text == null || text.isBlank()) throw ApiException.badRequest("text must not be empty");
    return embedding.run(tenant, () -> embedder.embedText(text));
  }

  float[] ofBytes(String tenant, String vectorName, byte[] bytes) {
    return embedding.run(tenant, () -> {
      DecodedImage image;
      try {
        image = services.decoder().decode(bytes);
      } catch (ImageLoadException e) {
        throw toApi(e);
      }
      return metrics.embedding(vectorName, TopologyMetrics.QUERY).record(() -> embedders.get(vectorName).embed(image));
    });
  }

  float[] ofVector(String vectorName, List<Float> values) {
    int dims = dimensions(vectorName);
    if (values == null || values.size() != dims) {
      throw new ApiException(422, "DIMENSION_MISMATCH", "vector '" + vectorName + "' has " + dims + " dimensions, got "
          + (values == null ? 0 : values.size()));
    }
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      Float x = values.get(i);
      if (x == null || !Float.isFinite(x)) throw new ApiException(422, "INVALID_VECTOR", "vector values must be finite numbers");
      v[i] = x;
      norm += (double) x * x;
    }
    if (norm == 0) throw new ApiException(422, "INVALID_VECTOR", "the zero vector has no direction");
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dims; i++) v[i] *= inv;
    return v;
  }

  private int dimensions(String vectorName) {
    try {
      return embedders.get(vectorName).dimensions();
    } catch (IllegalStateException notYetKnown) {
      throw new ApiException(422, "DIMENSIONS_UNKNOWN", "vector '" + vectorName
          + "' learns its dimension from the provider's first answer; embed an image first");
    }
  }

  byte[] fetch(String tenant, String url) {
    return fetch(tenant, url, fetchDeadline());
  }

  private byte[] fetch(String tenant, String url, long deadlineNanos) {
    return fetching.run(tenant, () -> {
      try {
        return fetcher.fetch(url, deadlineNanos).bytes();
      } catch (ImageLoadException e) {
        throw toApi(e);
      }
    });
  }

  private static byte[] base64(String text) {
    String payload = text;
    if (payload.startsWith("data:")) {
      int comma = payload.indexOf(',');
      if (comma < 0 || !payload.substring(0, comma).endsWith(";base64")) {
        throw new ApiException(400, "INVALID_BASE64", "data URLs must be of the form data:<type>;base64,<data>");
      }
      payload = payload.substring(comma + 1);
    }
    try {
      // Strict alphabet (line breaks allowed): a lenient decoder would turn garbage into an empty image.
      return Base64.getDecoder().decode(payload.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "INVALID_BASE64", "image is not valid base64: " + e.getMessage());
    }
  }

  /** Image problems are the client's: 413 for size, 415 for type, 422 for the rest; a busy decoder is a 503 to retry. */
  static ApiException toApi(ImageLoadException e) {
    if (e.code() == ImageErrorCode.DECODER_BUSY) return new ApiException(503, e.code().name(), e.getMessage(), 2);
    int status = switch (e.code()) {
      case IMAGE_TOO_LARGE, TOO_MANY_PIXELS -> 413;
      case UNSUPPORTED_FORMAT -> 415;
      default -> 422;
    };
    return new ApiException(status, e.code().name(), e.getMessage());
  }
}
