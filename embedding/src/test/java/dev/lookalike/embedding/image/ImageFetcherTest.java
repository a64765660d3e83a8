package dev.lookalike.embedding.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.embedding.testing.TestImages;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Dns;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFetcherTest {

    private static final byte[] PNG = TestImages.encode(TestImages.generate(1, 40, 30), "png");
    private static final FetcherConfig LOOPBACK_ALLOWED = FetcherConfig.defaults().withAllowPrivateNetworks(true);
    /** Production's 2 retries, with short waits. */
    private static final FetcherConfig RETRYING = LOOPBACK_ALLOWED.withRetries(2, Duration.ofMillis(20), Duration.ofMillis(500));

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

    private String url(String path) {
        return "http://127.0.0.1:" + server.getPort() + path;
    }

    private static MockResponse image() {
        return new MockResponse().setHeader("Content-Type", "image/png").setBody(new Buffer().write(PNG));
    }

    private static MockResponse redirect(String location) {
        return new MockResponse().setResponseCode(302).setHeader("Location", location);
    }

    private static ImageLoadException fetchFails(ImageFetcher fetcher, String url, ImageErrorCode code) {
        try {
            fetcher.fetch(url);
        } catch (ImageLoadException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            return e;
        }
        throw new AssertionError("expected " + code + " for " + url);
    }

    @Nested
    class WhenPrivateNetworksAreAllowed {

        private final ImageFetcher fetcher = new ImageFetcher(LOOPBACK_ALLOWED);

        @AfterEach
        void close() {
            fetcher.close();
        }

        @Test
        void downloadsTheBytes() throws InterruptedException {
            server.enqueue(image());

            FetchedContent content = fetcher.fetch(url("/cat.png"));

            assertThat(content.bytes()).isEqualTo(PNG);
            assertThat(content.contentType()).isEqualTo("image/png");
            assertThat(server.takeRequest().getHeader("Accept")).isEqualTo("image/*");
        }

        @Test
        void followsRedirectsUpToTheLimit() {
            server.enqueue(redirect("/one"));
            server.enqueue(redirect(url("/two")));
            server.enqueue(redirect("/three"));
            server.enqueue(image());

            FetchedContent content = fetcher.fetch(url("/start"));

            assertThat(content.url()).isEqualTo(url("/three"));
            assertThat(content.bytes()).isEqualTo(PNG);
        }

        @Test
        void stopsAfterTooManyRedirects() {
            for (int i = 0; i < 4; i++) {
                server.enqueue(redirect("/hop" + i));
            }

            fetchFails(fetcher, url("/start"), ImageErrorCode.TOO_MANY_REDIRECTS);
            assertThat(server.getRequestCount()).isEqualTo(4);
        }

        @Test
        void refusesARedirectToAnotherScheme() {
            server.enqueue(redirect("file:///etc/passwd"));

            fetchFails(fetcher, url("/start"), ImageErrorCode.FORBIDDEN_URL);
        }

        @Test
        void clientErrorsAreFinalServerErrorsRetriable() {
            server.enqueue(new MockResponse().setResponseCode(404));
            server.enqueue(new MockResponse().setResponseCode(503));
            server.enqueue(new MockResponse().setResponseCode(429));

            try (ImageFetcher once = new ImageFetcher(LOOPBACK_ALLOWED.withRetries(0, Duration.ZERO, Duration.ZERO))) {
                ImageLoadException notFound = fetchFails(once, url("/a"), ImageErrorCode.HTTP_ERROR);
                ImageLoadException unavailable = fetchFails(once, url("/b"), ImageErrorCode.HTTP_ERROR);
                ImageLoadException throttled = fetchFails(once, url("/c"), ImageErrorCode.HTTP_ERROR);

                assertThat(notFound.httpStatus()).isEqualTo(404);
                assertThat(notFound.retriable()).isFalse();
                assertThat(unavailable.retriable()).isTrue();
                assertThat(throttled.retriable()).isTrue();
            }
            assertThat(server.getRequestCount()).isEqualTo(3);
        }

        @Test
        void refusesADeclaredLengthOverTheLimit() {
            try (ImageFetcher small = new ImageFetcher(RETRYING.withMaxBytes(100))) {
                server.enqueue(image());
                server.enqueue(image());

                fetchFails(small, url("/big"), ImageErrorCode.IMAGE_TOO_LARGE);
                assertThat(server.getRequestCount()).as("too large is final").isEqualTo(1);
            }
        }

        @Test
        void stopsStreamingWhenAnUndeclaredBodyExceedsTheLimit() {
            try (ImageFetcher small = new ImageFetcher(LOOPBACK_ALLOWED.withMaxBytes(1000))) {
                server.enqueue(new MockResponse().setChunkedBody(new Buffer().write(new byte[50_000]), 512));

                ImageLoadException error = fetchFails(small, url("/chunked"), ImageErrorCode.IMAGE_TOO_LARGE);
                assertThat(error.getMessage()).contains("more than 1000 bytes");
            }
        }

        @Test
        void boundsTheWholeCallByTheTotalTimeout() {
            FetcherConfig quick = LOOPBACK_ALLOWED.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                    Duration.ofMillis(300));
            // 1 byte per second: every read makes progress, so only the total budget can stop it.
            server.enqueue(image().throttleBody(1, 1, TimeUnit.SECONDS));
            try (ImageFetcher slow = new ImageFetcher(quick)) {
                long start = System.nanoTime();

                ImageLoadException error = fetchFails(slow, url("/slow"), ImageErrorCode.FETCH_TIMEOUT);

                assertThat(error.retriable()).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            }
        }

        @Test
        void timesOutWhenTheServerNeverAnswers() {
            FetcherConfig quick = LOOPBACK_ALLOWED.withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200),
                    Duration.ofSeconds(5));
            server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
            try (ImageFetcher slow = new ImageFetcher(quick)) {
                fetchFails(slow, url("/silent"), ImageErrorCode.FETCH_TIMEOUT);
            }
        }

        @Test
        void anUnavailableServerIsRetriedAndTheImageFetched() {
            server.enqueue(new MockResponse().setResponseCode(503));
            server.enqueue(image());
            try (ImageFetcher retrying = new ImageFetcher(RETRYING)) {
                FetchedContent content = retrying.fetch(url("/flaky.png"));

                assertThat(content.bytes()).isEqualTo(PNG);
                assertThat(server.getRequestCount()).isEqualTo(2);
            }
        }

        @Test
        void aServerThatStaysUnavailableGetsOneAttemptPerRetryThenARetriableFailure() {
            for (int i = 0; i < 5; i++) {
                server.enqueue(new MockResponse().setResponseCode(503));
            }
            try (ImageFetcher retrying = new ImageFetcher(RETRYING)) {
                ImageLoadException error = fetchFails(retrying, url("/down.png"), ImageErrorCode.HTTP_ERROR);

                assertThat(error.retriable()).isTrue();
                assertThat(error.httpStatus()).isEqualTo(503);
                assertThat(error.getMessage()).contains("HTTP 503").endsWith("(3 attempts)");
                assertThat(server.getRequestCount()).as("1 + fetch.retries").isEqualTo(3);
            }
        }

        @Test
        void clientErrorsAndRefusedUrlsAreNotRetried() {
            server.enqueue(new MockResponse().setResponseCode(404));
            server.enqueue(redirect("file:///etc/passwd"));
            server.enqueue(new MockResponse().setResponseCode(403));
            server.enqueue(image());
            try (ImageFetcher retrying = new ImageFetcher(RETRYING)) {
                ImageLoadException notFound = fetchFails(retrying, url("/missing.png"), ImageErrorCode.HTTP_ERROR);
                assertThat(notFound.retriable()).isFalse();
                assertThat(server.getRequestCount()).isEqualTo(1);

                fetchFails(retrying, url("/sneaky"), ImageErrorCode.FORBIDDEN_URL);
                assertThat(server.getRequestCount()).isEqualTo(2);

                fetchFails(retrying, url("/forbidden.png"), ImageErrorCode.HTTP_ERROR);
                assertThat(server.getRequestCount()).isEqualTo(3);
            }
        }

        @Test
        void aRetryAfterWithinTheCapIsWaitedAndOneBeyondItIsNot() {
            server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "0.3"));
            server.enqueue(image());
            server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "120"));
            server.enqueue(image());
            try (ImageFetcher retrying = new ImageFetcher(RETRYING)) {
                long start = System.nanoTime();
                assertThat(retrying.fetch(url("/throttled.png")).bytes()).isEqualTo(PNG);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited as asked")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
                assertThat(server.getRequestCount()).isEqualTo(2);

                ImageLoadException error = fetchFails(retrying, url("/later.png"), ImageErrorCode.HTTP_ERROR);
                assertThat(error.retriable()).as("a dead letter worth replaying later").isTrue();
                assertThat(error.retryAfter()).contains(Duration.ofSeconds(120));
                assertThat(server.getRequestCount()).as("not retried: the server asked for 2 minutes").isEqualTo(3);
            }
        }

        @Test
        void retriesStayWithinTheTotalDeadline() {
            // Every attempt answers after 400 ms of silence: a read timeout of 300 ms each time.
            for (int i = 0; i < 10; i++) {
                server.enqueue(image().setHeadersDelay(400, TimeUnit.MILLISECONDS));
            }
            FetcherConfig tight = RETRYING.withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(700))
                    .withRetries(5, Duration.ofMillis(50), Duration.ofMillis(50));
            try (ImageFetcher retrying = new ImageFetcher(tight)) {
                long start = System.nanoTime();

                ImageLoadException error = fetchFails(retrying, url("/slow.png"), ImageErrorCode.FETCH_TIMEOUT);

                assertThat(error.retriable()).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
                assertThat(server.getRequestCount()).as("what fits in 700 ms, not 1 + 5").isLessThanOrEqualTo(3);
            }
        }

        @Test
        void connectionFailuresAreRetriable() throws IOException {
            int port = server.getPort();
            server.shutdown();

            try (ImageFetcher retrying = new ImageFetcher(RETRYING)) {
                ImageLoadException error = fetchFails(retrying, "http://127.0.0.1:" + port + "/x", ImageErrorCode.FETCH_FAILED);
                assertThat(error.retriable()).isTrue();
                assertThat(error.getMessage()).as("refused every time, retried").endsWith("(3 attempts)");
            }
        }
    }

    @Nested
    class Guard {

        private final ImageFetcher fetcher = new ImageFetcher(FetcherConfig.defaults());

        @AfterEach
        void close() {
            fetcher.close();
        }

        @ParameterizedTest
        @ValueSource(strings = {"127.0.0.1", "localhost", "2130706433", "127.1", "[::ffff:127.0.0.1]", "[::1]",
                "0.0.0.0", "0"})
        void refusesLoopbackHoweverItIsSpelled(String host) {
            server.enqueue(image());

            ImageLoadException error = fetchFails(fetcher, "http://" + host + ":" + server.getPort() + "/x",
                    ImageErrorCode.FORBIDDEN_URL);

            assertThat(error.retriable()).isFalse();
            assertThat(server.getRequestCount()).isZero();
        }

        @Test
        void refusesCloudMetadataAddresses() {
            fetchFails(fetcher, "http://169.254.169.254/latest/meta-data/", ImageErrorCode.FORBIDDEN_URL);
            fetchFails(fetcher, "http://[fd00:ec2::254]/latest/meta-data/", ImageErrorCode.FORBIDDEN_URL);
        }

        @Test
        void refusesARedirectIntoThePrivateNetwork() {
            // "localhost" is allow-listed, so the first hop reaches the server; its redirect must not.
            try (ImageFetcher allowing = new ImageFetcher(FetcherConfig.defaults().withAllowedHosts(Set.of("LOCALHOST")))) {
                server.enqueue(redirect(url("/secret")));
                server.enqueue(image());

                fetchFails(allowing, "http://localhost:" + server.getPort() + "/start", ImageErrorCode.FORBIDDEN_URL);

                assertThat(server.getRequestCount()).isEqualTo(1);
            }
        }

        @Test
        void vetsTheResolvedAddressesAndConnectsToExactlyThose() {
            Dns toLoopback = host -> List.of(InetAddress.getLoopbackAddress());
            String pinned = "http://images.example.test:" + server.getPort() + "/x";
            try (ImageFetcher guarded = new ImageFetcher(FetcherConfig.defaults(), toLoopback);
                 ImageFetcher allowed = new ImageFetcher(
                         FetcherConfig.defaults().withAllowedHosts(Set.of("images.example.test")), toLoopback)) {
                server.enqueue(image());

                fetchFails(guarded, pinned, ImageErrorCode.FORBIDDEN_URL);
                assertThat(server.getRequestCount()).isZero();

                // Allow-listed, the same answer is used for the connection: no second lookup.
                assertThat(allowed.fetch(pinned).bytes()).isEqualTo(PNG);
            }
        }

        @Test
        void aFailedConnectionsMessageDoesNotSayWhereTheHostPoints() throws IOException {
            // An allow-listed internal image store that is down: the caller (an API client, a dead
            // letter, the image's status) learns that it failed, not its address inside the network.
            Dns toInternal = host -> List.of(InetAddress.getByName("127.0.0.1"));
            int port = server.getPort();
            server.shutdown();
            try (ImageFetcher allowed = new ImageFetcher(
                    FetcherConfig.defaults().withAllowedHosts(Set.of("images.internal.test"))
                            .withRetries(0, Duration.ZERO, Duration.ZERO), toInternal)) {
                ImageLoadException error = fetchFails(allowed, "http://images.internal.test:" + port + "/x",
                        ImageErrorCode.FETCH_FAILED);

                assertThat(error.getMessage()).contains("images.internal.test").contains("ConnectException")
                        .doesNotContain("127.0.0.1");
                assertThat(error.retriable()).isTrue();
            }
        }

        @Test
        void refusesAHostWithAnyPrivateAddressAmongItsAnswers() throws IOException {
            List<InetAddress> mixed = List.of(InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.5"));
            try (ImageFetcher guarded = new ImageFetcher(FetcherConfig.defaults(), host -> mixed)) {
                fetchFails(guarded, "http://mixed.example.test/x", ImageErrorCode.FORBIDDEN_URL);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"file:///etc/passwd", "ftp://example.com/a.png", "gopher://example.com/",
                "javascript:alert(1)", "http://user:secret@example.com/a.png", "https://token@example.com/a.png"})
        void refusesOtherSchemesAndCredentials(String url) {
            fetchFails(fetcher, url, ImageErrorCode.FORBIDDEN_URL);
        }

        @ParameterizedTest
        @ValueSource(strings = {"not a url", "/relative/path.png", "http://", ""})
        void reportsMalformedUrls(String url) {
            assertThatThrownBy(() -> fetcher.fetch(url)).isInstanceOfSatisfying(ImageLoadException.class,
                    e -> assertThat(e.code()).isEqualTo(ImageErrorCode.BAD_URL));
        }
    }
}
