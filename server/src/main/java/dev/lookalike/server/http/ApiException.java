package dev.lookalike.server.http;

import dev.lookalike.embedding.hosted.ProviderErrorCode;
import dev.lookalike.embedding.hosted.ProviderException;

/** An error the client can act on: an HTTP status, a stable code and a message. Never a 5xx for bad input. */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, 0);
  }

  /** @param retryAfterSeconds the Retry-After to send, 0 for none (a 503 then says 1 s) */
  public ApiException(int status, String code, String message, long retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * A hosted embedding provider's failure, as the caller should see it: an outage, a rate limit or a
   * timeout is 503 with the provider's Retry-After (the same request may work later); input the
   * provider refuses is 422; a refused key or a malformed answer is 502, the service's problem, not
   * the caller's. Never the 500 of an unexpected error.
   */
  public static ApiException of(ProviderException e) {
    String message = "embedding provider " + e.provider() + ": " + e.getMessage();
    if (e.code().retriable()) {
      long seconds = e.retryAfter().map(d -> Math.clamp(d.toSeconds(), 1L, 300L)).orElse(1L);
      return new ApiException(503, e.code().name(), message, seconds);
    }
    int status = e.code() == ProviderErrorCode.PROVIDER_REJECTED_INPUT ? 422 : 502;
    return new ApiException(status, e.code().name(), message);
  }

  /** The same refusal, its message prefixed with where it happened (e.g. the item of a batch). */
  public ApiException at(String where) {
    return new ApiException(status, code, where + ": " + getMessage(), retryAfterSeconds);
  }

  /** Seconds for Retry-After; 0 when the answer names none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BAD_REQUEST", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "NOT_FOUND", message);
  }
}
