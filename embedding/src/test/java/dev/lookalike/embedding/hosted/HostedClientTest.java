package dev.lookalike.embedding.hosted;

import static dev.lookalike.embedding.hosted.HostedFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostedClientTest {

    private static final String ERROR = "{\"error\": {\"code\": \"Busy\", \"message\": \"try later\"}}";

    private final FakeTime time = new FakeTime();
    private MockWebServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private Request request() {
        return new Request.Builder().url(server.url("/embed"))
                .post(RequestBody.create(new byte[] {1, 2, 3}, MediaType.get("application/octet-stream"))).build();
    }

    private ProviderException fails(HostedClient client, ProviderErrorCode code) {
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> client.send(request()));
        assertThat(e).as("expected a ProviderException").isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    @Test
    void doesNotRetryPastTheDeadline() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(800), Duration.ofSeconds(10), 2.0, 0.0,
                Duration.ofSeconds(2));
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(503, ERROR));
        }
        try (HostedClient client = HostedFixtures.client("test", HostedFixtures.clientConfig().withRetry(policy),
                time)) {
            ProviderException e = fails(client, ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        }
        // 0.8 s wait fits in 2 s; the next 1.6 s wait would end at 2.4 s, past the deadline.
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(800));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineGivesUpAtOnceWithTheHint() {
        server.enqueue(json(503, ERROR).setHeader("Retry-After", "8"));
        HostedClientConfig config = HostedFixtures.clientConfig()
                .withRetry(HostedFixtures.clientConfig().retry().withDeadline(Duration.ofSeconds(5)));
        try (HostedClient client = HostedFixtures.client("test", config, time)) {
            ProviderException e = fails(client, ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(8));
        }
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void gatewayTimeoutsAreTimeouts() {
        server.enqueue(json(504, ERROR));
        HostedClientConfig config = HostedFixtures.clientConfig().withRetry(RetryPolicy.noRetries(Duration.ofSeconds(5)));
        try (HostedClient client = HostedFixtures.client("test", config, time)) {
            ProviderException e = fails(client, ProviderErrorCode.PROVIDER_TIMEOUT);
            assertThat(e.httpStatus()).isEqualTo(504);
            assertThat(e.retriable()).isTrue();
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "http://127.0.0.1:1/elsewhere"));
        try (HostedClient client = HostedFixtures.client("test", HostedFixtures.clientConfig(), time)) {
            ProviderException e = fails(client, ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.httpStatus()).isEqualTo(307);
            assertThat(e.retriable()).isFalse();
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void refusesOversizedAnswers() {
        server.enqueue(json(200, "[" + "0.1,".repeat(300_000) + "0.1]"));
        try (HostedClient client = HostedFixtures.client("test", HostedFixtures.clientConfig(), time)) {
            ProviderException e = fails(client, ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.getMessage()).contains("limit");
        }
    }

    @Test
    void anInterruptedWaitStopsRetrying() {
        server.enqueue(json(503, ERROR));
        Sleeper interrupted = duration -> {
            throw new InterruptedException("shutting down");
        };
        try (HostedClient client = new HostedClient("test", HostedFixtures.clientConfig(), time, interrupted,
                () -> 0.0)) {
            ProviderException e = fails(client, ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(e.getSuppressed()).hasSize(1);
            assertThat(Thread.interrupted()).as("interrupt flag restored (and cleared here)").isTrue();
            assertThat(client.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }
}
