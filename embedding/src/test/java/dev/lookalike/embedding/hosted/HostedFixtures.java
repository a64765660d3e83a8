package dev.lookalike.embedding.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.testing.TestImages;
import java.time.Duration;
import java.util.StringJoiner;
import okhttp3.mockwebserver.MockResponse;

/** Shared settings and canned answers for the provider tests. */
final class HostedFixtures {

    static final String KEY = "sk-test-0123456789-do-not-leak";
    static final DecodedImage IMAGE = DecodedImage.of(TestImages.generate(7, 64, 48), "png");

    private HostedFixtures() {
    }

    /** Short timeouts; 3 attempts, 100 ms doubling backoff, waits capped at 10 s; circuit of 5 failures / 30 s. */
    static HostedClientConfig clientConfig() {
        return new HostedClientConfig(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(4),
                1024 * 1024, new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.5,
                Duration.ofSeconds(60)), CircuitBreakerConfig.defaults());
    }

    /** A client whose clock and sleeper are {@code time}; jitter draws 0 so waits are the plain backoff. */
    static HostedClient client(String provider, HostedClientConfig config, FakeTime time) {
        return new HostedClient(provider, config, time, time, () -> 0.0);
    }

    static String vector(int dimensions) {
        StringJoiner joiner = new StringJoiner(",", "[", "]");
        for (int i = 0; i < dimensions; i++) {
            joiner.add(Float.toString((i % 7 - 3) * 0.125f));
        }
        return joiner.toString();
    }

    static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    static void assertUnitLength(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        assertThat(Math.sqrt(sum)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
}
