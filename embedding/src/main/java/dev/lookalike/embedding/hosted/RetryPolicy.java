package dev.lookalike.embedding.hosted;

import java.time.Duration;

/**
 * How {@link HostedClient} retries a failed call: exponential backoff with jitter on 429, 5xx,
 * network errors and timeouts, honouring the provider's {@code Retry-After} when it sends one.
 *
 * @param maxAttempts    total attempts including the first (1 = no retries)
 * @param initialBackoff wait before the first retry; doubled (see {@code multiplier}) for each next one
 * @param maxDelay       cap on any single wait, whether computed or asked for by {@code Retry-After}
 * @param multiplier     growth factor of the backoff, at least 1
 * @param jitter         fraction in [0, 1] by which a computed backoff is randomly shortened, so that
 *                       callers failing together do not retry together ({@code Retry-After} is not jittered)
 * @param deadline       bound on the whole call, all attempts and waits included; a retry whose wait would
 *                       end past it is not attempted
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxDelay, double multiplier,
                          double jitter, Duration deadline) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        requireNonNegative(initialBackoff, "initialBackoff");
        requireNonNegative(maxDelay, "maxDelay");
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1");
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1]");
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
    }

    /** 4 attempts, 250 ms doubling backoff with 50% jitter, waits capped at 10 s, 30 s overall. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(10), 2.0, 0.5, Duration.ofSeconds(30));
    }

    /** A single attempt within {@code deadline}. */
    public static RetryPolicy noRetries(Duration deadline) {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, deadline);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxDelay, multiplier, jitter, deadline);
    }

    public RetryPolicy withDeadline(Duration total) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxDelay, multiplier, jitter, total);
    }

    /**
     * The wait before retry number {@code retry} (1 = the wait after the first failure).
     *
     * @param random a uniform draw in [0, 1); 0 leaves the full backoff, values near 1 shorten it by {@code jitter}
     */
    public Duration backoff(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1");
        }
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        nanos = Math.min(nanos, maxDelay.toNanos());
        nanos *= 1.0 - jitter * Math.min(Math.max(random, 0.0), 1.0);
        return Duration.ofNanos((long) nanos);
    }

    /** {@code requested} (e.g. from {@code Retry-After}) capped at {@link #maxDelay()}. */
    public Duration cap(Duration requested) {
        if (requested.isNegative()) {
            return Duration.ZERO;
        }
        return requested.compareTo(maxDelay) > 0 ? maxDelay : requested;
    }

    private static void requireNonNegative(Duration duration, String name) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0");
        }
    }
}
