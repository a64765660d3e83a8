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
  void aBatchChargedAfterItWasLetInIsPaidForByTheNextRequests() {
    AtomicLong now = new AtomicLong();
    RateLimiter limiter = new RateLimiter(1, 2, now::get);
    assertThat(limiter.acquire(0)).isZero();
    limiter.charge(0, 15); // a batch of 16: one token left, 15 charged, 14 owed
    assertThat(limiter.acquire(0)).as("owes 14 tokens, needs 15 for the next request").isEqualTo(15);
    now.addAndGet(14_000_000_000L);
    assertThat(limiter.acquire(0)).isEqualTo(1);
    now.addAndGet(1_000_000_000L);
    assertThat(limiter.acquire(0)).isZero();
    limiter.charge(1, 0);
    assertThat(limiter.acquire(1)).as("nothing charged to another key").isZero();
  }

  @Test
  void zeroMeansUnlimited() {
    RateLimiter limiter = RateLimiter.unlimited();
    for (int i = 0; i < 10_000; i++) assertThat(limiter.acquire(0)).isZero();
  }
}
