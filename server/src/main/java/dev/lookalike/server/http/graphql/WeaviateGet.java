package dev.lookalike.server.http.graphql;

import static dev.lookalike.server.http.graphql.GraphQlValues.floats;
import static dev.lookalike.server.http.graphql.GraphQlValues.integer;
import static dev.lookalike.server.http.graphql.GraphQlValues.number;
import static dev.lookalike.server.http.graphql.GraphQlValues.string;
import static dev.lookalike.server.http.graphql.GraphQlValues.strings;
import static dev.lookalike.server.http.graphql.GraphQlValues.text;

import dev.lookalike.server.http.SearchRequest;
import dev.lookalike.server.http.graphql.GraphQlParser.Field;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.Scores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One class of a Weaviate {@code Get} query, read as a Lookalike search: the near-operator
 * ({@code nearImage}, {@code nearVector}, {@code nearText}, {@code nearObject}, with
 * {@code certainty}, {@code distance} and {@code targetVectors}), {@code limit}, {@code tenant}
 * and a {@code where} filter on tags, tenant and attributes. As in Weaviate, nearObject's own image
 * is part of its answer (first, at distance 0), unlike /v1/search. Lookalike holds one collection of
 * images, so the class name only names the answer. Everything else is refused by name, before
 * any search runs, rather than ignored: a client must not get answers to a question it did not ask.
 */
public record WeaviateGet(String className, String responseKey, SearchRequest request, List<Field> selection) {

  /** The properties of a stored image, as a Weaviate class would have them. */
  static final List<String> PROPERTIES = List.of("imageId", "tenant", "tags", "uploadedAt", "attributes");
  static final List<String> ADDITIONAL = List.of("id", "distance", "certainty");
  private static final List<String> ARGUMENTS = List.of("nearImage", "nearVector", "nearText", "nearObject", "limit", "tenant", "where");

  /** The classes of the query's {@code Get}. */
  public static List<WeaviateGet> of(List<Field> operation) {
    if (operation.size() != 1 || !operation.get(0).name().equals("Get")) {
      throw new GraphQlException("only a Get query is supported (not " + operation.stream().map(Field::name).toList() + ")");
    }
    Field get = operation.get(0);
    if (!get.arguments().isEmpty()) throw new GraphQlException("Get takes no arguments");
    if (get.selection().isEmpty()) throw new GraphQlException("Get needs a class, e.g. Get { Image(nearImage: {...}) { _additional { id } } }");
    return get.selection().stream().map(WeaviateGet::ofClass).toList();
  }

  private static WeaviateGet ofClass(Field field) {
    for (String argument : field.arguments().keySet()) {
      if (!ARGUMENTS.contains(argument)) {
        throw new GraphQlException("argument '" + argument + "' of " + field.name() + " is not supported; Lookalike takes " + ARGUMENTS);
      }
    }
    checkSelection(field.name(), field.selection());
    Map<String, Object> args = field.arguments();
    List<Object> targets = new ArrayList<>();
    SearchRequest.NearImage nearImage = null;
    SearchRequest.NearVector nearVector = null;
    SearchRequest.NearText nearText = null;
    SearchRequest.NearObject nearObject = null;
    if (args.containsKey("nearImage")) {
      Map<String, Object> near = operator(args, "nearImage", Set.of("image"));
      nearImage = new SearchRequest.NearImage(null, null, string(near, "image", "nearImage"), number(near, "certainty"), number(near, "distance"));
      targets.add(near.get("targetVectors"));
    }
    if (args.containsKey("nearVector")) {
      Map<String, Object> near = operator(args, "nearVector", Set.of("vector"));
      nearVector = new SearchRequest.NearVector(floats(near.get("vector")), number(near, "certainty"), number(near, "distance"));
      targets.add(near.get("targetVectors"));
    }
    if (args.containsKey("nearText")) {
      Map<String, Object> near = operator(args, "nearText", Set.of("concepts"));
      nearText = new SearchRequest.NearText(null, strings(near.get("concepts"), "nearText.concepts"), number(near, "certainty"),
          number(near, "distance"));
      targets.add(near.get("targetVectors"));
    }
    if (args.containsKey("nearObject")) {
      Map<String, Object> near = operator(args, "nearObject", Set.of("id"));
      nearObject = new SearchRequest.NearObject(string(near, "id", "nearObject"), number(near, "certainty"), number(near, "distance"));
      targets.add(near.get("targetVectors"));
    }
    WeaviateWhere filter = new WeaviateWhere();
    if (args.get("tenant") != null) filter.tenant = text(args.get("tenant"), "tenant");
    if (args.containsKey("where")) filter.add(args.get("where"));
    Integer limit = args.containsKey("limit") ? integer(args.get("limit"), "limit") : null;
    SearchRequest request = new SearchRequest(nearImage, nearText, nearVector, nearObject, filter.toRequest(), limit, null, target(targets));
    return new WeaviateGet(field.name(), field.responseKey(), request, field.selection());
  }

  /** The answer for this class: each hit with the fields the query selected, in its order. */
  public List<Map<String, Object>> render(List<ScoredImage> hits) {
    return hits.stream().map(this::render).toList();
  }

  private Map<String, Object> render(ScoredImage hit) {
    IndexedImage image = hit.image();
    float cosine = Scores.clamp(hit.score());
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field field : selection) {
      Object value = switch (field.name()) {
        case "__typename" -> className;
        case "imageId" -> image.imageId();
        case "tenant" -> image.tenant();
        case "tags" -> image.tags();
        case "uploadedAt" -> Instant.ofEpochMilli(image.uploadedAt()).toString(); // a Weaviate date is RFC 3339
        case "attributes" -> attributes(image.attributes(), field.selection());
        case "_additional" -> additional(field.selection(), image.imageId(), cosine);
        default -> throw new IllegalStateException("checked before the search: " + field.name());
      };
      out.put(field.responseKey(), value);
    }
    return out;
  }

  private static Map<String, Object> attributes(Map<String, String> attributes, List<Field> selection) {
    if (selection.isEmpty()) return new LinkedHashMap<>(attributes);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field field : selection) out.put(field.responseKey(), attributes.get(field.name()));
    return out;
  }

  /** Weaviate's cosine distance is 1 - cos, its certainty (1 + cos) / 2. */
  private static Map<String, Object> additional(List<Field> selection, String id, float cosine) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field field : selection) {
      out.put(field.responseKey(), switch (field.name()) {
        case "id" -> id;
        case "distance" -> 1 - cosine;
        case "certainty" -> (1 + cosine) / 2;
        default -> throw new IllegalStateException("checked before the search: " + field.name());
      });
    }
    return out;
  }

  private static void checkSelection(String className, List<Field> selection) {
    if (selection.isEmpty()) throw new GraphQlException(className + " needs a selection, e.g. { imageId _additional { id distance } }");
    for (Field field : selection) {
      if (!field.arguments().isEmpty()) throw new GraphQlException("field '" + field.name() + "' takes no arguments");
      if (field.name().equals("_additional")) {
        if (field.selection().isEmpty()) throw new GraphQlException("_additional needs a selection, e.g. _additional { id distance }");
        for (Field additional : field.selection()) {
          if (!ADDITIONAL.contains(additional.name()) || !additional.selection().isEmpty()) {
            throw new GraphQlException("_additional { " + additional.name() + " } is not supported; Lookalike answers " + ADDITIONAL);
          }
        }
      } else if (field.name().equals("attributes")) {
        for (Field key : field.selection()) {
          if (!key.selection().isEmpty()) throw new GraphQlException("attributes are strings: '" + key.name() + "' has no fields");
        }
      } else if (!PROPERTIES.contains(field.name()) && !field.name().equals("__typename")) {
        throw new GraphQlException("no property '" + field.name() + "'; Lookalike's images have " + PROPERTIES + " and _additional");
      } else if (!field.selection().isEmpty()) {
        throw new GraphQlException("'" + field.name() + "' has no fields");
      }
    }
  }

  /** A near-operator's fields: its own (required), certainty, distance and targetVectors. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> operator(Map<String, Object> args, String name, Set<String> own) {
    if (!(args.get(name) instanceof Map<?, ?> near)) throw GraphQlException.badRequest(name + " must be an object");
    for (Object key : near.keySet()) {
      if (!own.contains(key) && !Set.of("certainty", "distance", "targetVectors").contains(key)) {
        throw new GraphQlException(name + "." + key + " is not supported; Lookalike takes " + own + ", certainty, distance and targetVectors");
      }
    }
    return (Map<String, Object>) near;
  }

  private static String target(List<Object> targets) {
    Object given = targets.size() == 1 ? targets.get(0) : null; // several operators: the search refuses them itself
    if (given == null) return null;
    List<String> names = strings(given, "targetVectors");
    if (names.size() != 1) throw new GraphQlException("targetVectors names one vector in Lookalike, got " + names.size());
    return names.get(0);
  }

}
