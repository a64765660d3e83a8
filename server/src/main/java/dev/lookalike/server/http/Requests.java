package dev.lookalike.server.http;

import dev.lookalike.server.auth.Authenticator;
import dev.lookalike.topology.embed.UploadValidator;
import io.javalin.http.Context;

/** Query-parameter parsing with 400s instead of exceptions. */
final class Requests {

  static final String DEFAULT_TENANT = "default";
  static final int MAX_LIMIT = 1000;

  private Requests() {}

  /** The key's tenant when the request was authenticated; else the asked tenant, or the default. */
  static String tenant(Context ctx) {
    return tenant(ctx, ctx.queryParam("tenant"));
  }

  static String tenant(Context ctx, String asked) {
    String authenticated = ctx.attribute(Authenticator.TENANT_ATTRIBUTE);
    if (authenticated != null) return authenticated;
    return asked == null || asked.isBlank() ? DEFAULT_TENANT : asked;
  }

  /**
   * An image id from a path or a body. Checked here because a longer one cannot exist (uploads
   * refuse it) and would otherwise travel to the owning instance in a URL it refuses.
   */
  static String imageId(String raw) {
    if (raw == null || raw.isBlank()) throw ApiException.badRequest("an image id is required");
    if (raw.length() > UploadValidator.MAX_ID_LENGTH) {
      throw ApiException.badRequest("image ids are at most " + UploadValidator.MAX_ID_LENGTH + " characters, got " + raw.length());
    }
    return raw;
  }

  static int limit(Context ctx) {
    String raw = ctx.queryParam("limit");
    return raw == null ? 10 : checkLimit(parseInt("limit", raw));
  }

  static int checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
    return limit;
  }

  static int offset(Context ctx) {
    String raw = ctx.queryParam("offset");
    if (raw == null) return 0;
    int offset = parseInt("offset", raw);
    if (offset < 0) throw ApiException.badRequest("offset must be 0 or more");
    return offset;
  }

  /** An integer query parameter within [min, max], or its default when absent. */
  static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null) return defaultValue;
    int value = parseInt(name, raw);
    if (value < min || value > max) throw ApiException.badRequest(name + " must be between " + min + " and " + max);
    return value;
  }

  static float floatParam(Context ctx, String name, float defaultValue) {
    String raw = ctx.queryParam(name);
    if (raw == null) return defaultValue;
    try {
      float v = Float.parseFloat(raw);
      if (!Float.isFinite(v)) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a number, got '" + raw + "'");
    }
  }

  /** A cosine similarity bound from the query string: a number from -1 to 1 (a score of 2 matches nothing, silently). */
  static float similarityParam(Context ctx, String name, float defaultValue) {
    return similarity(name, floatParam(ctx, name, defaultValue));
  }

  static float similarity(String name, float value) {
    if (value < -1f || value > 1f) {
      throw ApiException.badRequest(name + " is a cosine similarity, from -1 to 1; got " + value);
    }
    return value;
  }

  static int parseInt(String name, String raw) {
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be an integer, got '" + raw + "'");
    }
  }
}
