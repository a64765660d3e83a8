package dev.lookalike.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many requests do one expensive thing at once (decode and embed, fetch a URL), so a
 * burst cannot take every core or socket: a request waits briefly for a permit, else 503. With a
 * share per tenant, a tenant's requests also wait for one of its own permits: a fetch may hold
 * its permit for 20 s, so without a share one tenant's slow URLs left every other tenant 503s.
 */
final class Bulkhead {

  static final long WAIT_MS = 2_000;

  private final String what;
  private final int concurrency;
  private final Semaphore permits;
  private final int perTenant;
  // One entry per tenant that ever asked: only used with API keys, whose tenants are configured.
  private final ConcurrentMap<String, Semaphore> shares = new ConcurrentHashMap<>();

  /** @param perTenant the most permits one tenant may hold at once; {@code concurrency} or more: no share */
  Bulkhead(String what, int concurrency, int perTenant) {
    this.what = what;
    this.concurrency = concurrency;
    this.permits = new Semaphore(concurrency, true);
    this.perTenant = Math.max(1, perTenant);
  }

  /** A tenant's share of {@code concurrency}: at least one. */
  static int share(int concurrency, double share) {
    return Math.max(1, (int) Math.floor(concurrency * share));
  }

  <T> T run(String tenant, Supplier<T> work) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    if (perTenant >= concurrency) return runWithPermit(deadline, work);
    Semaphore own = shares.computeIfAbsent(tenant, t -> new Semaphore(perTenant, true));
    acquire(own, deadline, "this tenant is " + what + " " + perTenant + " at once, its share (http.max.share.per.tenant)");
    try {
      return runWithPermit(deadline, work);
    } finally {
      own.release();
    }
  }

  private <T> T runWithPermit(long deadline, Supplier<T> work) {
    acquire(permits, deadline, "too many requests are " + what + " right now");
    try {
      return work.get();
    } finally {
      permits.release();
    }
  }

  private void acquire(Semaphore semaphore, long deadline, String busy) {
    try {
      if (!semaphore.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new ApiException(503, "BUSY", busy + "; retry shortly", 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "BUSY", "interrupted while waiting to start " + what);
    }
  }
}
