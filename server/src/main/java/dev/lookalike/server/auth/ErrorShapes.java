package dev.lookalike.server.auth;

import dev.lookalike.server.http.graphql.GraphQlErrors;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Rejections before a route runs (401, 429), in the JSON shape of the API being called, so each
 * hosted API's clients parse them as they would the original: Azure AI Vision answers
 * {"error":{"code":"401"|"429",...}}, Foundry {"error":{"code":"Unauthorized"|"TooManyRequests",...}},
 * CoreViz {"error":"Unauthorized"|"Too Many Requests","message":...}, Weaviate's GraphQL
 * {"errors":[{"message"}]}, Lookalike its own codes.
 */
final class ErrorShapes {

  private ErrorShapes() {}

  static Rejection reject(Context ctx, int status, String ourCode, String message) {
    String path = ctx.path();
    Object body;
    if (path.startsWith("/computervision/")) {
      body = Map.of("error", Map.of("code", String.valueOf(status), "message", message));
    } else if (path.startsWith("/api/ai/")) {
      body = Map.of("error", status == 401 ? "Unauthorized" : "Too Many Requests", "message", message);
    } else if (path.startsWith("/v1/graphql")) {
      body = GraphQlErrors.body(ourCode, message);
    } else if (path.startsWith("/images/")) {
      body = Map.of("error", Map.of("code", status == 401 ? "Unauthorized" : "TooManyRequests", "message", message));
    } else {
      body = Map.of("error", Map.of("code", ourCode, "message", message));
    }
    return new Rejection(status, body);
  }
}
