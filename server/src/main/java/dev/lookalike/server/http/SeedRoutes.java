package dev.lookalike.server.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.server.auth.Authenticator;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;

/**
 * The request and response shapes of the hosted embedding APIs, so their existing clients can
 * point at Lookalike unchanged: Azure AI Vision image retrieval, Azure AI Foundry (OpenAI-style)
 * image embeddings, and CoreViz. The model a client names picks the named vector when it is one
 * (by name or model id); otherwise the default vector answers.
 */
final class SeedRoutes {

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /**
   * Items in one {@code /images/embeddings} request. Each is a decode and an embedding (or a
   * fetch) on the shared bulkheads, so an unbounded batch let one key hold them for as long as it
   * liked; each item also counts as a request against the key's rate limit.
   */
  static final int MAX_BATCH_ITEMS = 16;

  private final Api api;
  private final QueryVectors vectors;
  private final Map<String, Embedder> embedders;
  private final Authenticator authenticator;

  SeedRoutes(Api api, QueryVectors vectors, Map<String, Embedder> embedders, Authenticator authenticator) {
    this.api = api;
    this.vectors = vectors;
    this.embedders = embedders;
    this.authenticator = authenticator;
  }

  /** {@code POST /computervision/retrieval:vectorizeImage}: JSON {"url"} or the image bytes. */
  void vectorizeImage(Context ctx) {
    SeedErrors.azure(ctx, () -> {
      VectorConfig vector = vectorFor(ctx.queryParam("model-version"));
      String tenant = Requests.tenant(ctx);
      byte[] bytes = isJson(ctx) ? vectors.fetch(tenant, field(json(ctx), "url")) : ctx.bodyAsBytes();
      if (bytes.length == 0) throw new ApiException(400, "InvalidRequest", "the request has no image");
      float[] v = vectors.ofBytes(tenant, vector.name(), bytes);
      ctx.json(Map.of("modelVersion", modelVersion(ctx, vector), "vector", v));
    });
  }

  /** {@code POST /computervision/retrieval:vectorizeText}: {"text"}. */
  void vectorizeText(Context ctx) {
    SeedErrors.azure(ctx, () -> {
      VectorConfig vector = vectorFor(ctx.queryParam("model-version"));
      float[] v = vectors.ofText(Requests.tenant(ctx), vector.name(), field(json(ctx), "text"));
      ctx.json(Map.of("modelVersion", modelVersion(ctx, vector), "vector", v));
    });
  }

  /** {@code POST /images/embeddings}: {"model", "input": [{"image", "text"?}], "input_type", "dimensions", "encoding_format"}. */
  void imageEmbeddings(Context ctx) {
    SeedErrors.azure(ctx, () -> {
      JsonNode body = json(ctx);
      VectorConfig vector = vectorFor(body.path("model").asText(null));
      Embedder embedder = embedders.get(vector.name());
      int asked = body.has("dimensions") ? body.get("dimensions").asInt() : 0;
      String format = body.path("encoding_format").asText("float");
      if (!format.equals("float") && !format.equals("base64")) {
        throw new ApiException(422, "UnsupportedParameter", "encoding_format must be float or base64");
      }
      JsonNode input = body.path("input");
      if (!input.isArray() || input.isEmpty()) throw new ApiException(400, "InvalidRequest", "input must be a non-empty array");
      if (input.size() > MAX_BATCH_ITEMS) {
        throw new ApiException(400, "InvalidRequest", "input has " + input.size() + " items; at most " + MAX_BATCH_ITEMS + " per request");
      }
      authenticator.chargeMore(ctx, input.size() - 1);
      String tenant = Requests.tenant(ctx);
      ArrayNode data = JSON.createArrayNode();
      long deadline = vectors.fetchDeadline();
      for (int i = 0; i < input.size(); i++) {
        float[] embedding = embedItem(tenant, vector, input.get(i), i, deadline);
        // Checked on the answer: a hosted model learns its dimension from the provider's first reply.
        if (asked != 0 && asked != embedding.length) {
          throw new ApiException(422, "UnsupportedParameter", "dimensions=" + asked + " is not supported; this model returns "
              + embedding.length);
        }
        data.add(JSON.createObjectNode().put("object", "embedding").put("index", i).set("embedding", encode(embedding, format)));
      }
      ObjectNode out = JSON.createObjectNode().put("object", "list");
      out.set("data", data);
      out.put("model", body.path("model").asText(embedder.modelId()));
      out.set("usage", JSON.createObjectNode().put("prompt_tokens", 0).put("total_tokens", 0));
      ctx.json(out);
    });
  }

  /**
   * One item of a batch. The items share one deadline, that of one image fetch: each fetch gets
   * what is left of it, and no item starts after it, so a batch of slow URLs holds its places
   * for one fetch timeout, not one per item. Errors name the item.
   */
  private float[] embedItem(String tenant, VectorConfig vector, JsonNode item, int index, long deadline) {
    if (index > 0 && System.nanoTime() - deadline >= 0) {
      throw new ApiException(422, "BATCH_TIMEOUT", "input[" + index + "]: the items before it used up the batch's time ("
          + vectors.fetchTimeout().toMillis() + " ms, fetch.total.timeout.ms); send fewer or faster items per request");
    }
    try {
      return vectorOf(tenant, vector, item, deadline);
    } catch (ApiException e) {
      throw e.at("input[" + index + "]");
    } catch (ProviderException e) {
      throw ApiException.of(e).at("input[" + index + "]");
    }
  }

  private float[] vectorOf(String tenant, VectorConfig vector, JsonNode item, long deadline) {
    boolean hasImage = item.hasNonNull("image");
    boolean hasText = item.hasNonNull("text");
    if (hasImage && hasText) {
      throw new ApiException(422, "UnsupportedParameter", "image and text in one input item are not supported by '" + vector.name() + "'");
    }
    if (hasText) return vectors.ofText(tenant, vector.name(), item.get("text").asText());
    if (!hasImage) throw new ApiException(400, "InvalidRequest", "each input item needs an image (a base64 data URL)");
    return vectors.ofImage(tenant, vector.name(), item.get("image").asText(), deadline);
  }

  /** {@code POST /api/ai/embeddings}: {"image", "model"?} or {"input", "type"}. */
  void coreVizEmbeddings(Context ctx) {
    SeedErrors.coreViz(ctx, () -> {
      JsonNode body = json(ctx);
      VectorConfig vector = vectorFor(body.path("model").asText(null));
      String tenant = Requests.tenant(ctx);
      float[] v;
      if (body.hasNonNull("image")) {
        v = vectors.ofImage(tenant, vector.name(), body.get("image").asText());
      } else if (body.hasNonNull("input")) {
        String type = body.path("type").asText("image");
        v = type.equals("text") ? vectors.ofText(tenant, vector.name(), body.get("input").asText())
            : vectors.ofImage(tenant, vector.name(), body.get("input").asText());
      } else {
        throw new ApiException(400, "Bad Request", "give image (a URL or data URL), or input with type");
      }
      ctx.json(Map.of("embedding", v, "dimensions", v.length, "model", body.path("model").asText(embedders.get(vector.name()).modelId())));
    });
  }

  /** The named vector a client's model string selects: a vector name or model id, else the default. */
  private VectorConfig vectorFor(String model) {
    if (model != null) {
      for (VectorConfig v : api.config().vectors()) {
        if (v.name().equals(model) || embedders.get(v.name()).modelId().equals(model)) return v;
      }
    }
    return api.config().vectors().get(0);
  }

  private String modelVersion(Context ctx, VectorConfig vector) {
    String asked = ctx.queryParam("model-version");
    return asked != null ? asked : embedders.get(vector.name()).modelId();
  }

  private static boolean isJson(Context ctx) {
    String type = ctx.contentType();
    return type != null && type.toLowerCase().startsWith("application/json");
  }

  private static JsonNode json(Context ctx) {
    try {
      JsonNode node = JSON.readTree(ctx.bodyAsBytes());
      if (node == null || !node.isObject()) throw new ApiException(400, "InvalidRequest", "the body must be a JSON object");
      return node;
    } catch (IOException e) {
      throw new ApiException(400, "InvalidRequest", "invalid JSON body");
    }
  }

  private static String field(JsonNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new ApiException(400, "InvalidRequest", "'" + name + "' is required");
    }
    return value.asText();
  }

  /** float: a JSON array; base64: little-endian float32, as OpenAI-style APIs return it. */
  private static JsonNode encode(float[] v, String format) {
    if (format.equals("float")) {
      ArrayNode array = JSON.createArrayNode();
      for (float x : v) array.add(x);
      return array;
    }
    ByteBuffer buffer = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) buffer.putFloat(x);
    return JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(buffer.array()));
  }
}
