package dev.lookalike.server.http;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/search}, in the spirit of Weaviate's near-operators: exactly one of
 * nearImage, nearVector or nearObject; a filter; limit, minScore and targetVector. Weaviate's
 * {@code certainty} and {@code distance} are accepted inside the operator as score bounds.
 */
public record SearchRequest(NearImage nearImage, NearText nearText, NearVector nearVector, NearObject nearObject, Filter filter,
                            Integer limit, Float minScore, String targetVector) {

  /** An image by URL, or inline as base64 ({@code image} is Weaviate's name for it). */
  public record NearImage(String url, String base64, String image, Float certainty, Float distance) {
    String inlineBase64() {
      return base64 != null ? base64 : image;
    }
  }

  public record NearVector(List<Float> vector, Float certainty, Float distance) {}

  /** Text, for vectors with a text encoder; Weaviate's {@code concepts} are joined with spaces. */
  public record NearText(String text, List<String> concepts, Float certainty, Float distance) {
    String query() {
      return text != null ? text : concepts == null ? null : String.join(" ", concepts);
    }
  }

  public record NearObject(String id, Float certainty, Float distance) {}

  public record Filter(String tenant, List<String> tags, Map<String, String> attributes) {}

  /** The lowest cosine similarity asked for, from minScore, certainty or distance (whichever is strictest). */
  float effectiveMinScore() {
    float min = minScore == null ? -1f : Requests.similarity("minScore", minScore);
    Float certainty = nearImage != null ? nearImage.certainty() : nearVector != null ? nearVector.certainty()
        : nearObject != null ? nearObject.certainty() : nearText != null ? nearText.certainty() : null;
    Float distance = nearImage != null ? nearImage.distance() : nearVector != null ? nearVector.distance()
        : nearObject != null ? nearObject.distance() : nearText != null ? nearText.distance() : null;
    if (certainty != null && distance != null) {
      throw ApiException.badRequest("give certainty or distance, not both (they are two scales of one bound)"); // as Weaviate
    }
    if (certainty != null) min = Math.max(min, 2 * certainty - 1); // certainty = (1 + cos) / 2
    if (distance != null) min = Math.max(min, 1 - distance); // cosine distance = 1 - cos
    return min;
  }

  int operatorCount() {
    return (nearImage != null ? 1 : 0) + (nearText != null ? 1 : 0) + (nearVector != null ? 1 : 0) + (nearObject != null ? 1 : 0);
  }

  int limitOrDefault() {
    return limit == null ? 10 : limit;
  }
}
