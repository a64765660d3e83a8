package dev.lookalike.embedding.hosted;

import java.time.Duration;
import java.util.Objects;

/**
 * Transport settings shared by every hosted provider.
 *
 * @param connectTimeout   TCP + TLS connect bound for one attempt
 * @param readTimeout      longest silence while reading an answer (a stalled provider times out here)
 * @param callTimeout      bound on one whole attempt; also clipped to what is left of {@link RetryPolicy#deadline()}
 * @param maxResponseBytes answers larger than this are refused (a 3072-float vector is ~60 KB of JSON)
 * @param retry            retries, backoff and the overall deadline
 * @param circuitBreaker   when to stop calling a provider that keeps failing
 */
public record HostedClientConfig(Duration connectTimeout, Duration readTimeout, Duration callTimeout,
                                 long maxResponseBytes, RetryPolicy retry, CircuitBreakerConfig circuitBreaker) {

    public HostedClientConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(callTimeout, "callTimeout");
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be > 0");
        }
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    }

    /** 5 s connect, 20 s read, 30 s per attempt, 8 MiB answers, {@link RetryPolicy#defaults()}, {@link CircuitBreakerConfig#defaults()}. */
    public static HostedClientConfig defaults() {
        return new HostedClientConfig(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(30),
                8L * 1024 * 1024, RetryPolicy.defaults(), CircuitBreakerConfig.defaults());
    }

    public HostedClientConfig withTimeouts(Duration connect, Duration read, Duration call) {
        return new HostedClientConfig(connect, read, call, maxResponseBytes, retry, circuitBreaker);
    }

    public HostedClientConfig withRetry(RetryPolicy policy) {
        return new HostedClientConfig(connectTimeout, readTimeout, callTimeout, maxResponseBytes, policy,
                circuitBreaker);
    }

    public HostedClientConfig withCircuitBreaker(CircuitBreakerConfig breaker) {
        return new HostedClientConfig(connectTimeout, readTimeout, callTimeout, maxResponseBytes, retry, breaker);
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
