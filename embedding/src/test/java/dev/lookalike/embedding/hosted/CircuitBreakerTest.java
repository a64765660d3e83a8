package dev.lookalike.embedding.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.embedding.hosted.CircuitBreaker.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final FakeTime clock = new FakeTime();
    private final CircuitBreaker breaker = new CircuitBreaker(new CircuitBreakerConfig(3, Duration.ofSeconds(10)),
            clock);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        fail(2);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess(); // resets the count
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void halfOpensAfterTheOpenDurationWithASingleTrial() {
        fail(3);
        clock.advance(Duration.ofMillis(9_999));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.remainingOpen()).isEqualTo(Duration.ZERO);

        assertThat(breaker.tryAcquire()).as("the trial").isTrue();
        assertThat(breaker.tryAcquire()).as("others wait for the trial").isFalse();
        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedTrialReopensForAnotherFullDuration() {
        fail(3);
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void anAbandonedTrialLetsTheNextCallTry() {
        fail(3);
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onAbandoned();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isTrue();
    }
}
