package dev.lookalike.server.auth;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Runs before every route: finds the key in any of the header forms the hosted APIs use, binds
 * the request to the key's tenant, and answers 401 in the JSON shape of the API being called.
 */
public final class Authenticator {

  public static final String TENANT_ATTRIBUTE = "lookalike.tenant";
  public static final String PEER_HEADER = "x-lookalike-peer";
  private static final String KEY_INDEX_ATTRIBUTE = "lookalike.key-index";

  public static final String METRICS_PATH = "/metrics";

  private final ApiKeys keys;
  private final MetricsKeys metricsKeys;
  private final RateLimiter limiter;

  public Authenticator(ApiKeys keys, MetricsKeys metricsKeys, RateLimiter limiter) {
    this.keys = keys;
    this.metricsKeys = metricsKeys;
    this.limiter = limiter;
  }

  public void check(Context ctx) {
    if (metricsKeys.enabled() && isMetricsPath(ctx.path())) {
      checkMetricsKey(ctx);
      return;
    }
    if (!keys.enabled() || isOpen(ctx.path())) return;
    if (ctx.path().startsWith("/internal/")) {
      if (!keys.isPeerToken(ctx.header(PEER_HEADER))) {
        throw unauthorized(ctx, "internal endpoints answer only other instances of this deployment, which share auth.peer.secret");
      }
      return; // a peer: no tenant, no rate limit
    }
    Optional<ApiKeys.Caller> caller = keys.callerOf(presentedKey(ctx));
    if (caller.isEmpty()) {
      throw unauthorized(ctx, "a valid API key is required (x-api-key, api-key, Ocp-Apim-Subscription-Key or Authorization: Bearer)");
    }
    long waitSeconds = limiter.acquire(caller.get().keyIndex());
    if (waitSeconds > 0) {
      ctx.header("Retry-After", String.valueOf(waitSeconds));
      throw ErrorShapes.reject(ctx, 429, "RATE_LIMITED", "Rate limit is exceeded. Try again in " + waitSeconds + " seconds.");
    }
    ctx.attribute(TENANT_ATTRIBUTE, caller.get().tenant());
    ctx.attribute(KEY_INDEX_ATTRIBUTE, caller.get().keyIndex());
  }

  /** The router ignores trailing slashes, so "/metrics/" reaches the same handler. */
  private static boolean isMetricsPath(String path) {
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') end--;
    return path.regionMatches(0, METRICS_PATH, 0, METRICS_PATH.length()) && end == METRICS_PATH.length();
  }

  /** Only a metrics key reads the metrics; a tenant's key is told so (403), anything else is 401. */
  private void checkMetricsKey(Context ctx) {
    String presented = presentedKey(ctx);
    if (metricsKeys.accepts(presented)) return;
    if (keys.callerOf(presented).isPresent()) {
      throw ErrorShapes.reject(ctx, 403, "FORBIDDEN", "/metrics counts every tenant's traffic: it needs a key from auth.metrics.keys");
    }
    throw unauthorized(ctx, "/metrics needs a key from auth.metrics.keys");
  }

  /** Counts {@code extra} more requests against the caller's rate limit: a batch of n items costs n requests. */
  public void chargeMore(Context ctx, int extra) {
    Integer keyIndex = ctx.attribute(KEY_INDEX_ATTRIBUTE);
    if (keyIndex != null) limiter.charge(keyIndex, extra);
  }

  /** Health must answer load balancers without a key; the page and the API description hold no data. */
  private static boolean isOpen(String path) {
    return path.equals("/health/live") || path.equals("/health/ready") || path.equals("/v1/.well-known/live")
        || path.equals("/v1/.well-known/ready") || path.equals("/") || path.equals("/index.html")
        || path.equals("/openapi.yaml") || path.equals("/openapi.json");
  }

  /**
   * The one route a key may come in the query ({@code ?api_key=}): browsers' EventSource cannot
   * send headers. Query strings end up in proxy and access logs, so no other route takes it.
   */
  public static final String QUERY_KEY_PATH = "/v1/events/near-duplicates";

  static String presentedKey(Context ctx) {
    for (String header : new String[] {"x-api-key", "api-key", "Ocp-Apim-Subscription-Key"}) {
      String value = ctx.header(header);
      if (value != null && !value.isBlank()) return value.trim();
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return authorization.substring(7).trim();
    if (ctx.path().equals(QUERY_KEY_PATH) && "GET".equalsIgnoreCase(ctx.method().name())) {
      String value = ctx.queryParam("api_key");
      if (value != null && !value.isBlank()) return value.trim();
    }
    return null;
  }

  private static Rejection unauthorized(Context ctx, String message) {
    ctx.header("WWW-Authenticate", "Bearer");
    String text = ctx.path().startsWith("/computervision/")
        ? "Access denied due to invalid subscription key or wrong API endpoint. " + message : message;
    return ErrorShapes.reject(ctx, 401, "UNAUTHORIZED", text);
  }
}
