package dev.lookalike.server.auth;

/**
 * A request refused before its route (401, 429), with the body already in the called API's shape.
 * Thrown rather than written in place so the after-handlers still run: metrics count the
 * refusal, and the unread body is drained so the connection stays usable.
 */
public final class Rejection extends RuntimeException {

  private final int status;
  private final transient Object body;

  Rejection(int status, Object body) {
    super(null, null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public Object body() {
    return body;
  }
}
