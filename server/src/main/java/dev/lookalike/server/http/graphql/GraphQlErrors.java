package dev.lookalike.server.http.graphql;

import java.util.List;
import java.util.Map;

/** The body of an error on /v1/graphql, wherever it is refused (the route, or authentication before it). */
public final class GraphQlErrors {

  private GraphQlErrors() {}

  /**
   * GraphQL's {@code errors}, and Weaviate's REST shape {@code error: [{message}]} beside it: on a
   * status other than 200 Weaviate's Java client reads only the latter (it showed nothing).
   */
  public static Map<String, Object> body(String code, String message) {
    return Map.of("errors", List.of(Map.of("message", message, "extensions", Map.of("code", code))),
        "error", List.of(Map.of("message", message)));
  }
}
