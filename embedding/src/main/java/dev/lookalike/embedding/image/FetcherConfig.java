package dev.lookalike.embedding.image;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings for {@link ImageFetcher}.
 *
 * @param totalTimeout         bound on the whole fetch, all redirect hops and the body included
 * @param maxBytes             body size limit, enforced while streaming
 * @param allowPrivateNetworks when true, loopback/private/link-local targets are allowed (dev, tests)
 * @param allowedHosts         host names (lower-case) exempt from the private-network check,
 *                             e.g. an internal image store; the scheme and credential rules still apply
 * @param retries              retries after a failure that may pass (connection reset or refused, timeout,
 *                             HTTP 408, 429, 5xx), all within {@code totalTimeout}; 0 = none
 * @param retryBackoff         wait before the first retry, doubled for each next one
 * @param maxRetryBackoff      cap on one wait; a {@code Retry-After} asking for longer is not retried
 */
public record FetcherConfig(Duration connectTimeout, Duration readTimeout, Duration totalTimeout, long maxBytes,
                            int maxRedirects, boolean allowPrivateNetworks, Set<String> allowedHosts,
                            int retries, Duration retryBackoff, Duration maxRetryBackoff) {

    public FetcherConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (maxBytes <= 0 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxBytes must be > 0 and maxRedirects >= 0");
        }
        if (retries < 0 || retryBackoff == null || retryBackoff.isNegative() || maxRetryBackoff == null
                || maxRetryBackoff.isNegative()) {
            throw new IllegalArgumentException("retries and retry backoffs must be >= 0");
        }
        allowedHosts = allowedHosts == null ? Set.of()
                : allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** 5 s connect, 10 s read, 20 s total, 16 MiB, 3 redirects, 2 retries after 200 ms doubling (at most 2 s). */
    public static FetcherConfig defaults() {
        return new FetcherConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
                16L * 1024 * 1024, 3, false, Set.of(), 2, Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    public FetcherConfig withAllowPrivateNetworks(boolean allow) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects, allow,
                allowedHosts, retries, retryBackoff, maxRetryBackoff);
    }

    public FetcherConfig withAllowedHosts(Set<String> hosts) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects,
                allowPrivateNetworks, hosts, retries, retryBackoff, maxRetryBackoff);
    }

    public FetcherConfig withMaxBytes(long bytes) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, bytes, maxRedirects,
                allowPrivateNetworks, allowedHosts, retries, retryBackoff, maxRetryBackoff);
    }

    public FetcherConfig withTimeouts(Duration connect, Duration read, Duration total) {
        return new FetcherConfig(connect, read, total, maxBytes, maxRedirects, allowPrivateNetworks, allowedHosts,
                retries, retryBackoff, maxRetryBackoff);
    }

    /** {@code count} retries, the first after {@code backoff}, doubling up to {@code maxBackoff}. */
    public FetcherConfig withRetries(int count, Duration backoff, Duration maxBackoff) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects,
                allowPrivateNetworks, allowedHosts, count, backoff, maxBackoff);
    }

    /**
     * The wait before retry number {@code retry} (1 = after the first failure): {@code retryBackoff}
     * doubled per retry, capped at {@code maxRetryBackoff}.
     */
    public Duration backoff(int retry) {
        long nanos = retryBackoff.toNanos();
        for (int i = 1; i < retry && nanos < maxRetryBackoff.toNanos(); i++) {
            nanos *= 2;
        }
        return Duration.ofNanos(Math.min(nanos, maxRetryBackoff.toNanos()));
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
