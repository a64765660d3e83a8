package dev.lookalike.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void aBurstThenTheRateAndEachKeyHasItsOwnBucket() {
    AtomicLong now = new AtomicLong();
    RateLimiter limiter = new RateLimiter(2, 3, now::get);
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).as("burst spent: retry in whole seconds").isEqualTo(1);
    assertThat(limiter.acquire(1)).as("another key is not affected").isZero();
    now.addAndGet(500_000_000L); // half a second refills one token at 2/s
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isEqualTo(1);
  }

  @Test
  void zeroMeansUnlimited() {
    RateLimiter limiter = RateLimiter.unlimited();
    for (int i = 0; i < 10_000; i++) assertThat(limiter.acquire(0)).isZero();
  }
}
