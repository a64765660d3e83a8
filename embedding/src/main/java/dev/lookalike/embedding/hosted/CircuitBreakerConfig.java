package dev.lookalike.embedding.hosted;

import java.time.Duration;

/**
 * Settings for {@link CircuitBreaker}.
 *
 * @param failureThreshold consecutive failed attempts (unavailable, timeout, rate limited) that open the circuit
 * @param openDuration     how long an open circuit fails calls fast before letting one trial call through
 */
public record CircuitBreakerConfig(int failureThreshold, Duration openDuration) {

    public CircuitBreakerConfig {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be >= 1");
        }
        if (openDuration == null || openDuration.isNegative() || openDuration.isZero()) {
            throw new IllegalArgumentException("openDuration must be positive");
        }
    }

    /** Opens after 5 consecutive failures, for 30 s. */
    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(5, Duration.ofSeconds(30));
    }
}
