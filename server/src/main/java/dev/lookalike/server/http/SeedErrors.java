package dev.lookalike.server.http;

import dev.lookalike.embedding.hosted.ProviderException;
import io.javalin.http.Context;
import java.util.Map;

/** Errors in each hosted API's own JSON shape, so its clients parse them as usual. */
final class SeedErrors {

  private SeedErrors() {}

  /** Azure AI Vision and Foundry: {"error": {"code", "message"}}. */
  static void azure(Context ctx, Runnable handler) {
    ApiException e = failureOf(handler);
    if (e == null) return;
    HttpApi.retryAfter(ctx, e);
    ctx.status(e.status()).json(Map.of("error", Map.of("code", e.code(), "message", e.getMessage())));
  }

  /** CoreViz: {"error": "<reason>", "message": "..."}. */
  static void coreViz(Context ctx, Runnable handler) {
    ApiException e = failureOf(handler);
    if (e == null) return;
    HttpApi.retryAfter(ctx, e);
    ctx.status(e.status()).json(Map.of("error", reason(e.status()), "message", e.getMessage()));
  }

  /** Runs the handler; the refusal it ended with, or null when it answered. */
  private static ApiException failureOf(Runnable handler) {
    try {
      handler.run();
      return null;
    } catch (ApiException e) {
      return e;
    } catch (ProviderException e) {
      return ApiException.of(e);
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }
}
