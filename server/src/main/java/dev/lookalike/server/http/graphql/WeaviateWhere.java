package dev.lookalike.server.http.graphql;

import static dev.lookalike.server.http.graphql.GraphQlValues.strings;
import static dev.lookalike.server.http.graphql.GraphQlValues.text;

import dev.lookalike.server.http.SearchRequest;
import dev.lookalike.server.http.graphql.GraphQlParser.EnumValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Weaviate {@code where} filter, as far as Lookalike's filter reaches: tags (all of them),
 * tenant, and attributes equal to a text, joined by {@code And}. Anything else is refused by name.
 */
final class WeaviateWhere {

  String tenant;
  private final List<String> tags = new ArrayList<>();
  private final Map<String, String> attributes = new LinkedHashMap<>();

  void add(Object where) {
    if (!(where instanceof Map<?, ?> clause)) throw GraphQlException.badRequest("where must be an object");
    String operator = clause.get("operator") instanceof EnumValue e ? e.name() : null;
    if (operator == null) throw GraphQlException.badRequest("where needs an operator");
    if (operator.equals("And")) {
      if (!(clause.get("operands") instanceof List<?> operands)) throw GraphQlException.badRequest("And needs operands");
      operands.forEach(this::add);
      return;
    }
    if (operator.equals("Or") || operator.equals("Not")) {
      throw new GraphQlException("where " + operator + " is not supported; Lookalike's filters are joined by And");
    }
    List<String> path = strings(clause.get("path"), "where.path");
    Object value = clause.containsKey("valueText") ? clause.get("valueText") : clause.get("valueString");
    if (value == null) throw new GraphQlException("where on " + path + ": Lookalike compares text only (valueText)");
    if (path.equals(List.of("tags")) && (operator.equals("ContainsAll") || operator.equals("Equal")
        || operator.equals("ContainsAny") && value instanceof List<?> any && any.size() == 1)) {
      tags.addAll(value instanceof List<?> ? strings(value, "valueText") : List.of(text(value, "valueText")));
    } else if (path.equals(List.of("tenant")) && operator.equals("Equal")) {
      tenant = text(value, "valueText");
    } else if (operator.equals("Equal") && (path.size() == 1 && !WeaviateGet.PROPERTIES.contains(path.get(0))
        || path.size() == 2 && path.get(0).equals("attributes"))) {
      attributes.put(path.get(path.size() - 1), text(value, "valueText"));
    } else {
      throw new GraphQlException("where " + path + " " + operator + " is not supported; Lookalike filters tags (ContainsAll, "
          + "Equal), tenant (Equal) and attributes (Equal), joined by And");
    }
  }

  SearchRequest.Filter toRequest() {
    if (tenant == null && tags.isEmpty() && attributes.isEmpty()) return null;
    return new SearchRequest.Filter(tenant, tags.isEmpty() ? null : List.copyOf(tags), attributes.isEmpty() ? null : Map.copyOf(attributes));
  }
}
