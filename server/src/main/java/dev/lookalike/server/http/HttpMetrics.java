package dev.lookalike.server.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code lookalike.http.request{route,status}}: time of each HTTP request, by the matched route
 * pattern ({@code /v1/images/{id}}, never the raw path, so the label set stays bounded) and status.
 * Requests no route matched (static files, 404s, refusals before routing) are {@code route="unmatched"}.
 */
final class HttpMetrics {

  static final String HTTP_REQUEST = "lookalike.http.request";
  private static final String STARTED = HttpMetrics.class.getName() + ".started";

  private HttpMetrics() {}

  static void start(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
  }

  static void record(MeterRegistry meters, Context ctx) {
    Long started = ctx.attribute(STARTED);
    if (started == null) return;
    Timer.builder(HTTP_REQUEST)
        .description("HTTP request time, by route pattern and status")
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(meters)
        .record(Duration.ofNanos(System.nanoTime() - started));
  }

  private static String route(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException none) {
      return "unmatched";
    }
  }
}
