package dev.lookalike.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes a JSON request body of one of the endpoints' shapes, taking every choice (which fields,
 * right or wrong type, which value) from the fuzzer's bytes; when they run out, every choice is 0.
 * Shapes: a Map is an object with those fields, a List of one shape an array of it, a String a
 * leaf kind. No value is an http(s) URL: the fuzz test sends no request off the machine.
 */
final class JsonShapes {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PNG = Base64.getEncoder().encodeToString(TestImages.encode(TestImages.generate(9, 12, 8), "png"));
  private static final int DIMS = new PerceptualEmbedder().dimensions();
  private static final List<String> STRINGS = List.of("", " ", "a cat", "perceptual", "perceptual-v1", "default", "acme", "float", "base64",
      "text", "image", "document", "query", "img-1", "\u0000", "\u00e9\u4e2d\ud83d\ude00", "ftp://127.0.0.1/a.png", "file:///etc/passwd",
      "data:image/png;base64," + PNG, PNG, "data:image/png;base64,@@@", "data:,", "data:image/png;base64", "data:image/png,abc",
      "iVBORw0KGgo=", "a".repeat(5000), "=", "AAAA", "data:;base64,", "x\ny");
  private static final List<String> NUMBERS = List.of("0", "-1", "1", "3", "64", "1000", "1001", "2147483647", "2147483648",
      "-2147483649", "9223372036854775808", "1e309", "-1e309", "1e-400", "-0", "-0.0", "0.5", "1.5", "2", "-2", "0.999999",
      String.valueOf(DIMS), "1" + "0".repeat(400));

  private static final Map<String, Object> NEAR = Map.of("certainty", "number", "distance", "number");
  private static final List<Map<String, Object>> SHAPES = List.of(
      // POST /v1/search
      Map.of("nearImage", with(NEAR, Map.of("url", "string", "base64", "string", "image", "string")),
          "nearText", with(NEAR, Map.of("text", "string", "concepts", List.of("string"))),
          "nearVector", with(NEAR, Map.of("vector", "vector")),
          "nearObject", with(NEAR, Map.of("id", "string")),
          "filter", Map.of("tenant", "string", "tags", List.of("string"), "attributes", "map"),
          "limit", "number", "minScore", "number", "targetVector", "string"),
      // POST /images/embeddings
      Map.of("model", "string", "input", List.of(Map.of("image", "string", "text", "string")), "encoding_format", "string",
          "input_type", "string", "dimensions", "number"),
      // POST /api/ai/embeddings
      Map.of("image", "string", "model", "string", "input", "string", "type", "string"),
      // POST /computervision/retrieval:vectorizeImage
      Map.of("url", "string"),
      // POST /computervision/retrieval:vectorizeText
      Map.of("text", "string"));

  private final byte[] choices;
  private int next;

  JsonShapes(byte[] choices) {
    this.choices = choices;
  }

  /** A body for endpoint {@code i} of {@link HttpJsonFuzzTest#ENDPOINTS}. */
  String body(int endpoint) {
    return value(SHAPES.get(endpoint), 0).toString();
  }

  private int choose(int bound) {
    return next < choices.length ? (choices[next++] & 0xff) % bound : 0;
  }

  private JsonNode value(Object shape, int depth) {
    if (choose(8) == 7) return wrong(depth); // one in eight: a value of another type
    if (shape instanceof Map<?, ?> fields) {
      ObjectNode object = NODES.objectNode();
      for (Object name : fields.keySet().stream().map(String::valueOf).sorted().toList()) {
        if (choose(3) != 0) object.set((String) name, value(fields.get(name), depth + 1)); // each field: two in three
      }
      return object;
    }
    if (shape instanceof List<?> items) {
      ArrayNode array = NODES.arrayNode();
      for (int n = choose(4); n > 0; n--) array.add(value(items.get(0), depth + 1));
      return array;
    }
    return switch ((String) shape) {
      case "string" -> NODES.textNode(STRINGS.get(choose(STRINGS.size())));
      case "number" -> NODES.numberNode(new BigDecimal(NUMBERS.get(choose(NUMBERS.size()))));
      case "map" -> {
        ObjectNode map = NODES.objectNode();
        for (int n = choose(3); n > 0; n--) map.set(STRINGS.get(choose(8)), choose(4) == 0 ? NODES.nullNode() : value("string", depth + 1));
        yield map;
      }
      case "vector" -> {
        ArrayNode vector = NODES.arrayNode();
        int length = switch (choose(4)) {
          case 0 -> DIMS;
          case 1 -> DIMS - 1;
          case 2 -> 0;
          default -> choose(4);
        };
        for (int i = 0; i < length; i++) vector.add(choose(16) == 0 ? wrong(depth + 1) : NODES.numberNode(choose(4) == 0 ? 0f : 0.1f));
        yield vector;
      }
      default -> throw new IllegalArgumentException(String.valueOf(shape));
    };
  }

  /** Any JSON value: null, a boolean, a number, a string, an array or an object (shallow). */
  private JsonNode wrong(int depth) {
    return switch (depth > 3 ? choose(4) : choose(6)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(choose(2) == 0);
      case 2 -> NODES.numberNode(new BigDecimal(NUMBERS.get(choose(NUMBERS.size()))));
      case 3 -> NODES.textNode(STRINGS.get(choose(STRINGS.size())));
      case 4 -> {
        ArrayNode array = NODES.arrayNode();
        for (int n = choose(3); n > 0; n--) array.add(wrong(depth + 1));
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        for (int n = choose(3); n > 0; n--) object.set(STRINGS.get(choose(8)), wrong(depth + 1));
        yield object;
      }
    };
  }

  private static Map<String, Object> with(Map<String, Object> a, Map<String, Object> b) {
    java.util.HashMap<String, Object> out = new java.util.HashMap<>(a);
    out.putAll(b);
    return Map.copyOf(out);
  }
}
