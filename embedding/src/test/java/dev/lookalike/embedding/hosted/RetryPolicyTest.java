package dev.lookalike.embedding.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(1), 2.0, 0.5,
            Duration.ofSeconds(30));

    @Test
    void backoffDoublesUpToTheCap() {
        assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(3, 0.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(4, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(30, 0.0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterOnlyShortensByAtMostTheJitterFraction() {
        assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.backoff(2, 0.999_999)).isBetween(Duration.ofMillis(200), Duration.ofMillis(201));
    }

    @Test
    void capsRequestedWaits() {
        assertThat(policy.cap(Duration.ofSeconds(3600))).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.cap(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.cap(Duration.ofMillis(-5))).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> policy.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.5, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1, 1.5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterReadsSecondsDatesAndMillisecondHeaders() {
        FakeTime clock = new FakeTime();
        assertThat(RetryAfter.parse("7", clock)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(" 1.5 ", clock)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("Mon, 02 Mar 2026 10:00:42 GMT", clock)).contains(Duration.ofSeconds(42));
        assertThat(RetryAfter.parse("Mon, 02 Mar 2026 09:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse("-3", clock)).isEmpty();
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
        assertThat(RetryAfter.parse("99999999999999999999999", clock)).isPresent();

        assertThat(RetryAfter.from(Headers.of("retry-after-ms", "250", "Retry-After", "1"), clock))
                .contains(Duration.ofMillis(250));
        assertThat(RetryAfter.from(Headers.of("x-ms-retry-after-ms", "40"), clock)).contains(Duration.ofMillis(40));
        assertThat(RetryAfter.from(Headers.of("Retry-After", "2"), clock)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.from(Headers.of(), clock)).isEmpty();
    }
}
