package dev.lookalike.server.query;

/**
 * A query that cannot be answered completely now. Usually state is moving (startup, rebalance,
 * restore) and the caller should retry shortly; {@link #misconfigured} marks the case where a
 * retry will not help until an operator acts, so clients are not told to retry every second.
 */
public final class NotReadyException extends RuntimeException {

  private final String code;
  private final int retryAfterSeconds;

  public NotReadyException(String message) {
    this("NOT_READY", message, 1);
  }

  private NotReadyException(String code, String message, int retryAfterSeconds) {
    super(message);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The instances disagree on a setting: answered 503 {@code MISCONFIGURED}, Retry-After a minute. */
  public static NotReadyException misconfigured(String message) {
    return new NotReadyException("MISCONFIGURED", message, 60);
  }

  /** The error code of the 503: NOT_READY, or MISCONFIGURED. */
  public String code() {
    return code;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
