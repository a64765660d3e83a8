package dev.lookalike.server.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key: {@code ratePerSecond} requests a second on average, bursts of up
 * to {@code burst}. A rate of 0 means unlimited.
 */
public final class RateLimiter {

  private final double ratePerSecond;
  private final double burst;
  private final LongSupplier nanoClock;
  private final ConcurrentMap<Integer, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
    this.ratePerSecond = ratePerSecond;
    this.burst = Math.max(1, burst > 0 ? burst : Math.ceil(2 * ratePerSecond));
    this.nanoClock = nanoClock;
  }

  public static RateLimiter unlimited() {
    return new RateLimiter(0, 0, System::nanoTime);
  }

  /** 0 when the request may go ahead; else the whole seconds until the next token (for Retry-After). */
  public long acquire(int key) {
    if (ratePerSecond <= 0) return 0;
    return buckets.computeIfAbsent(key, k -> new Bucket(burst, nanoClock.getAsLong())).take();
  }

  /**
   * Counts {@code extra} more requests against a key that has already been let in (a batch of n
   * items costs n): its bucket may go below zero, and its next requests wait until it refills.
   */
  public void charge(int key, int extra) {
    if (ratePerSecond <= 0 || extra <= 0) return;
    buckets.computeIfAbsent(key, k -> new Bucket(burst, nanoClock.getAsLong())).owe(extra);
  }

  private final class Bucket {
    private double tokens;
    private long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }

    synchronized long take() {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / ratePerSecond);
    }

    synchronized void owe(int extra) {
      refill();
      tokens -= extra;
    }

    private void refill() {
      long now = nanoClock.getAsLong();
      tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * ratePerSecond);
      lastNanos = now;
    }
  }
}
