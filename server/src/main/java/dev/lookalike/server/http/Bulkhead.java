package dev.lookalike.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds how many requests do one expensive thing at once (decode and embed, fetch a URL), so a
 * burst cannot take every core or socket: a request waits briefly for a permit, else 503. Each
 * tenant may hold only its share of the permits: a fetch may hold one for 20 s, so without a
 * share one tenant's slow URLs left every other tenant 503s.
 */
final class Bulkhead {

  static final long WAIT_MS = 2_000;

  private final String what;
  private final Semaphore permits;
  private final int perTenant;
  private final ConcurrentMap<String, AtomicInteger> heldBy = new ConcurrentHashMap<>();

  /** @param perTenant the most permits one tenant may hold at once */
  Bulkhead(String what, int concurrency, int perTenant) {
    this.what = what;
    this.permits = new Semaphore(concurrency, true);
    this.perTenant = Math.max(1, Math.min(perTenant, concurrency));
  }

  /** A tenant's share of {@code concurrency}: at least one. */
  static int share(int concurrency, double share) {
    return Math.max(1, (int) Math.floor(concurrency * share));
  }

  <T> T run(String tenant, Supplier<T> work) {
    if (countIn(tenant) > perTenant) {
      countOut(tenant);
      throw new ApiException(503, "BUSY", "this tenant is " + what + " " + perTenant
          + " at once already, its share (http.max.share.per.tenant); retry shortly", 1);
    }
    try {
      return runWithPermit(work);
    } finally {
      countOut(tenant);
    }
  }

  private <T> T runWithPermit(Supplier<T> work) {
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

  private int countIn(String tenant) {
    return heldBy.compute(tenant, (t, count) -> {
      AtomicInteger counted = count == null ? new AtomicInteger() : count;
      counted.incrementAndGet();
      return counted;
    }).get();
  }

  /** A tenant holding nothing leaves the map, so tenant names do not pile up. */
  private void countOut(String tenant) {
    heldBy.computeIfPresent(tenant, (t, count) -> count.decrementAndGet() == 0 ? null : count);
  }
}
