package dev.lookalike.server.auth;

import dev.lookalike.server.http.graphql.GraphQlErrors;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Errors answered outside a route's own error handling (401, 403 and 429 before it; a body or
 * request target over the limit, a method the path does not take, an unexpected failure), in the
 * JSON shape of the API being called, so each hosted API's clients parse them as they would the
 * original: Azure AI Vision answers {"error":{"code":"401"|"429",...}}, Foundry
 * {"error":{"code":"Unauthorized"|"TooManyRequests",...}}, CoreViz {"error":"Unauthorized"|"Too Many
 * Requests","message":...}, Weaviate's GraphQL {"errors":[{"message"}]}, Lookalike its own codes.
 * Other statuses keep Lookalike's code in the Azure and Foundry shapes, as their routes' own errors do.
 */
public final class ErrorShapes {

  private ErrorShapes() {}

  static Rejection reject(Context ctx, int status, String ourCode, String message) {
    return new Rejection(status, body(ctx.path(), status, ourCode, message));
  }

  /** The error body for a request to {@code path}, in that API's shape. */
  public static Object body(String path, int status, String ourCode, String message) {
    if (path.startsWith("/computervision/")) {
      return Map.of("error", Map.of("code", status == 401 || status == 429 ? String.valueOf(status) : ourCode, "message", message));
    } else if (path.startsWith("/api/ai/")) {
      return Map.of("error", reason(status), "message", message);
    } else if (path.startsWith("/v1/graphql")) {
      return GraphQlErrors.body(ourCode, message);
    } else if (path.startsWith("/images/")) {
      String code = status == 401 ? "Unauthorized" : status == 429 ? "TooManyRequests" : ourCode;
      return Map.of("error", Map.of("code", code, "message", message));
    }
    return Map.of("error", Map.of("code", ourCode, "message", message));
  }

  /** CoreViz's {@code error}: the status's reason phrase. */
  public static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Payload Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }
}
