package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  @Test
  void aRequestOverTheLimitGetsA503OnceThePermitWaitRunsOut() throws Exception {
    Bulkhead bulkhead = new Bulkhead("embedding", 1, 1);
    try (Holders holders = new Holders(bulkhead)) {
      holders.hold("acme", 1);
      ApiException busy = catchThrowableOfType(ApiException.class, () -> bulkhead.run("globex", () -> "never"));
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.code()).isEqualTo("BUSY");
    }
    assertThat(bulkhead.run("globex", () -> "free again")).isEqualTo("free again");
  }

  @Test
  void aTenantHoldingItsShareWaitsAndIsRefusedWhileOthersStillGetIn() throws Exception {
    Bulkhead bulkhead = new Bulkhead("fetching", 4, Bulkhead.share(4, 0.5));
    try (Holders holders = new Holders(bulkhead)) {
      holders.hold("acme", 2);
      ApiException refused = catchThrowableOfType(ApiException.class, () -> bulkhead.run("acme", () -> "a third"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.getMessage()).contains("its share (http.max.share.per.tenant)");
      assertThat(bulkhead.run("globex", () -> "another tenant")).isEqualTo("another tenant");
    }
    assertThat(bulkhead.run("acme", () -> "acme again")).as("its places are given back").isEqualTo("acme again");
  }

  @Test
  void aShareIsAtLeastOnePlace() {
    assertThat(Bulkhead.share(2, 0.5)).isEqualTo(1);
    assertThat(Bulkhead.share(1, 0.5)).isEqualTo(1);
    assertThat(Bulkhead.share(16, 0.5)).isEqualTo(8);
    assertThat(Bulkhead.share(16, 1.0)).isEqualTo(16);
  }

  /** Requests that hold their permits, each on a thread of its own, until closed. */
  private static final class Holders implements AutoCloseable {
    private final Bulkhead bulkhead;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Future<Boolean>> running = new ArrayList<>();

    Holders(Bulkhead bulkhead) {
      this.bulkhead = bulkhead;
    }

    void hold(String tenant, int requests) throws InterruptedException {
      CountDownLatch holding = new CountDownLatch(requests);
      for (int i = 0; i < requests; i++) {
        running.add(threads.submit(() -> bulkhead.run(tenant, () -> {
          holding.countDown();
          try {
            return release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        })));
      }
      assertThat(holding.await(10, TimeUnit.SECONDS)).as("every holder got in").isTrue();
    }

    @Override
    public void close() throws Exception {
      release.countDown();
      for (Future<Boolean> holder : running) assertThat(holder.get(10, TimeUnit.SECONDS)).isTrue();
      threads.shutdown();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
