package dev.lookalike.server.http;

import io.javalin.http.Context;
import java.util.Map;

/** Errors in each hosted API's own JSON shape, so its clients parse them as usual. */
final class SeedErrors {

  private SeedErrors() {}

  /** Azure AI Vision and Foundry: {"error": {"code", "message"}}. */
  static void azure(Context ctx, Runnable handler) {
    try {
      handler.run();
    } catch (ApiException e) {
      ctx.status(e.status()).json(Map.of("error", Map.of("code", e.code(), "message", e.getMessage())));
    }
  }

  /** CoreViz: {"error": "<reason>", "message": "..."}. */
  static void coreViz(Context ctx, Runnable handler) {
    try {
      handler.run();
    } catch (ApiException e) {
      ctx.status(e.status()).json(Map.of("error", reason(e.status()), "message", e.getMessage()));
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      default -> "Error";
    };
  }
}
