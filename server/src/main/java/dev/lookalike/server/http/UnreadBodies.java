package dev.lookalike.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and drops what a refused request still has of its body (a 401, 413, 429 or 414 answered
 * before the route read it), so the client gets its answer and the connection stays usable.
 *
 * <p>Without this, Jetty finds content left unread once the response is sent and closes the
 * connection. The response carries no {@code Connection: close}, so a client that pooled the
 * connection sends its next request into the closed socket and fails with "received no bytes";
 * and a client still writing its body meets a reset that can take the response with it (the
 * "lingering close" problem web servers solve the same way). Bodies over {@link #drainLimit} are
 * not read, nor are bodies a client holds back behind
 * {@code Expect: 100-continue}: those connections close.
 */
final class UnreadBodies {

  private UnreadBodies() {}

  private static final long DRAIN_FLOOR = 64L << 20;

  /** How much of a refused body is still read to deliver its 413: four times the request limit, at least 64 MiB. */
  static long drainLimit(long requestLimit) {
    return Math.max(requestLimit * 4, DRAIN_FLOOR);
  }

  static void discard(Context ctx, long requestLimit) {
    if (ctx.statusCode() < 400) return;
    long limit = drainLimit(requestLimit);
    long declared = ctx.req().getContentLengthLong();
    if (declared == 0 || declared > limit || "100-continue".equalsIgnoreCase(ctx.header("Expect"))) return;
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] buffer = new byte[16 * 1024];
      long read = 0;
      for (int n; read <= limit && (n = in.read(buffer)) >= 0; ) read += n;
    } catch (IOException | IllegalStateException e) {
      // The client went away, or the body was already read as a reader: nothing left to keep the connection for.
    }
  }
}
