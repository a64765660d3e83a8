package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  @Test
  void aRequestOverTheLimitGetsA503OnceThePermitWaitRunsOut() throws Exception {
    Bulkhead bulkhead = new Bulkhead("embedding", 1);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      other.submit(() -> bulkhead.run(() -> {
        holding.countDown();
        try {
          return release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      ApiException busy = catchThrowableOfType(ApiException.class, () -> bulkhead.run(() -> "never"));
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.code()).isEqualTo("BUSY");
      release.countDown();
    } finally {
      other.shutdown();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(bulkhead.run(() -> "free again")).isEqualTo("free again");
  }
}
