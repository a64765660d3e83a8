package dev.lookalike.server.query;

/** State is moving (startup, rebalance, restore): the caller should retry shortly. */
public final class NotReadyException extends RuntimeException {
  public NotReadyException(String message) {
    super(message);
  }
}
