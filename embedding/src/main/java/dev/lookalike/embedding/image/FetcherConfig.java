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
 */
public record FetcherConfig(Duration connectTimeout, Duration readTimeout, Duration totalTimeout, long maxBytes,
                            int maxRedirects, boolean allowPrivateNetworks, Set<String> allowedHosts) {

    public FetcherConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (maxBytes <= 0 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxBytes must be > 0 and maxRedirects >= 0");
        }
        allowedHosts = allowedHosts == null ? Set.of()
                : allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static FetcherConfig defaults() {
        return new FetcherConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
                16L * 1024 * 1024, 3, false, Set.of());
    }

    public FetcherConfig withAllowPrivateNetworks(boolean allow) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects, allow,
                allowedHosts);
    }

    public FetcherConfig withAllowedHosts(Set<String> hosts) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, maxBytes, maxRedirects,
                allowPrivateNetworks, hosts);
    }

    public FetcherConfig withMaxBytes(long bytes) {
        return new FetcherConfig(connectTimeout, readTimeout, totalTimeout, bytes, maxRedirects,
                allowPrivateNetworks, allowedHosts);
    }

    public FetcherConfig withTimeouts(Duration connect, Duration read, Duration total) {
        return new FetcherConfig(connect, read, total, maxBytes, maxRedirects, allowPrivateNetworks, allowedHosts);
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
