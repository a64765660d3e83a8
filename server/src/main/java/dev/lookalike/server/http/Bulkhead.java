package dev.lookalike.server.http;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many requests do one expensive thing at once (decode and embed, fetch a URL), so a
 * burst cannot take every core or socket: a request waits briefly for a permit, else 503.
 */
final class Bulkhead {

  static final long WAIT_MS = 2_000;

  private final String what;
  private final Semaphore permits;

  Bulkhead(String what, int concurrency) {
    this.what = what;
    this.permits = new Semaphore(concurrency, true);
  }

  <T> T run(Supplier<T> work) {
    boolean acquired;
    try {
      acquired = permits.tryAcquire(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "BUSY", "interrupted while waiting to start " + what);
    }
    if (!acquired) throw new ApiException(503, "BUSY", "too many requests are " + what + " right now; retry shortly");
    try {
      return work.get();
    } finally {
      permits.release();
    }
  }
}
