package dev.lookalike.server.http;

import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.server.auth.ErrorShapes;
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
    ctx.status(e.status()).json(Map.of("error", ErrorShapes.reason(e.status()), "message", e.getMessage()));
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
}
