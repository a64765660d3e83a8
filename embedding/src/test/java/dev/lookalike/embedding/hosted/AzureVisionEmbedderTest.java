package dev.lookalike.embedding.hosted;

import static dev.lookalike.embedding.hosted.HostedFixtures.IMAGE;
import static dev.lookalike.embedding.hosted.HostedFixtures.KEY;
import static dev.lookalike.embedding.hosted.HostedFixtures.assertUnitLength;
import static dev.lookalike.embedding.hosted.HostedFixtures.json;
import static dev.lookalike.embedding.hosted.HostedFixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AzureVisionEmbedderTest {

    private static final String ERROR_401 = """
            {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API \
            endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API \
            endpoint for your resource."}}""";
    private static final String ERROR_429 = """
            {"error": {"code": "429", "message": "Rate limit is exceeded. Try again in 7 seconds."}}""";
    private static final String ERROR_503 = """
            {"error": {"code": "ServiceUnavailable", "message": "The service is temporarily unavailable."}}""";
    private static final String ERROR_400 = """
            {"error": {"code": "InvalidRequest", "message": "The input image is invalid.", \
            "innererror": {"code": "InvalidImageFormat", "message": "Input data is not a valid image."}}}""";

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

    private AzureVisionConfig config() {
        return AzureVisionConfig.of(server.url("/").toString(), KEY).withClient(HostedFixtures.clientConfig());
    }

    private AzureVisionEmbedder embedder(AzureVisionConfig config) {
        return new AzureVisionEmbedder("azure", config, HostedFixtures.client(AzureVisionEmbedder.PROVIDER,
                config.client(), time));
    }

    private static String answer(int dimensions) {
        return "{\"modelVersion\": \"2023-04-15\", \"vector\": " + vector(dimensions) + "}";
    }

    private RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request).as("recorded request").isNotNull();
        return request;
    }

    private static ProviderException fails(Runnable call, ProviderErrorCode code) {
        ProviderException e = catchThrowableOfType(ProviderException.class, call::run);
        assertThat(e).as("expected a ProviderException").isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.provider()).isEqualTo(AzureVisionEmbedder.PROVIDER);
        assertThat(e.getMessage()).doesNotContain(KEY);
        return e;
    }

    @Test
    void uploadsTheImageAsBytesAndNormalizesTheVector() throws Exception {
        server.enqueue(json(200, answer(1024)));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            assertThat(embedder.name()).isEqualTo("azure");
            assertThat(embedder.modelId()).isEqualTo("azure-vision:2023-04-15");
            assertThat(embedder.dimensions()).isEqualTo(1024);
            assertThat(embedder.supportsText()).isTrue();

            float[] vector = embedder.embed(IMAGE);

            assertThat(vector).hasSize(1024);
            assertUnitLength(vector);
        }
        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath())
                .isEqualTo("/computervision/retrieval:vectorizeImage?api-version=2024-02-01&model-version=2023-04-15");
        assertThat(request.getHeader("Ocp-Apim-Subscription-Key")).isEqualTo(KEY);
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/octet-stream");
        byte[] upload = request.getBody().readByteArray();
        assertThat(upload).startsWith(0xFF, 0xD8); // JPEG SOI
        BufferedImage sent = ImageIO.read(new ByteArrayInputStream(upload));
        assertThat(sent.getWidth()).isEqualTo(64);
        assertThat(sent.getHeight()).isEqualTo(48);
    }

    @Test
    void embedsTextAsJson() throws Exception {
        server.enqueue(json(200, answer(1024)));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            assertUnitLength(embedder.embedText("a red bicycle"));
        }
        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getRequestUrl().encodedPath()).isEqualTo("/computervision/retrieval:vectorizeText");
        assertThat(request.getRequestUrl().queryParameter("api-version")).isEqualTo("2024-02-01");
        assertThat(request.getRequestUrl().queryParameter("model-version")).isEqualTo("2023-04-15");
        assertThat(request.getHeader("Ocp-Apim-Subscription-Key")).isEqualTo(KEY);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = new ObjectMapper().readTree(request.getBody().readUtf8());
        assertThat(body.toString()).isEqualTo("{\"text\":\"a red bicycle\"}");
    }

    @Test
    void downscalesLargeImagesBeforeUpload() throws Exception {
        server.enqueue(json(200, answer(1024)));
        BufferedImage large = new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_ARGB);
        try (AzureVisionEmbedder embedder = embedder(config())) {
            embedder.embed(dev.lookalike.embedding.image.DecodedImage.of(large, "png"));
        }
        BufferedImage sent = ImageIO.read(new ByteArrayInputStream(take().getBody().readByteArray()));
        assertThat(sent.getWidth()).isEqualTo(1024);
        assertThat(sent.getHeight()).isEqualTo(512);
    }

    @Test
    void refusesAVectorOfTheWrongLength() {
        server.enqueue(json(200, answer(512)));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.retriable()).isFalse();
            assertThat(e.httpStatus()).isEqualTo(200);
            assertThat(e.getMessage()).contains("512").contains("1024");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void learnsTheDimensionsFromTheFirstAnswerAndEnforcesThem() {
        server.enqueue(json(200, answer(4)));
        server.enqueue(json(200, answer(5)));
        try (AzureVisionEmbedder embedder = embedder(config().withDimensions(0))) {
            assertThat(embedder.knownDimensions()).isEmpty();
            assertThatThrownBy(embedder::dimensions).isInstanceOf(IllegalStateException.class);

            assertThat(embedder.embed(IMAGE)).hasSize(4);
            assertThat(embedder.dimensions()).isEqualTo(4);

            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
        }
    }

    @Test
    void refusesVectorsFromAnotherModelVersion() {
        server.enqueue(json(200, "{\"modelVersion\": \"2022-04-11\", \"vector\": " + vector(1024) + "}"));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.getMessage()).contains("2022-04-11");
        }
    }

    @Test
    void waitsAsLongAsRetryAfterAsksThenSucceeds() {
        server.enqueue(json(429, ERROR_429).setHeader("Retry-After", "7"));
        server.enqueue(json(200, answer(1024)));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            assertThat(embedder.embed(IMAGE)).hasSize(1024);
        }
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheLastAttemptOnPersistent503() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(503, ERROR_503));
        }
        try (AzureVisionEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.providerCode()).isEqualTo("ServiceUnavailable");
            assertThat(e.providerMessage()).isEqualTo("The service is temporarily unavailable.");
        }
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aRejectedKeyIsNotRetried() {
        server.enqueue(json(401, ERROR_401));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_AUTH_FAILED);
            assertThat(e.retriable()).isFalse();
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.providerMessage()).startsWith("Access denied due to invalid subscription key");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void anInvalidImageIsRejectedWithTheProvidersReason() {
        server.enqueue(json(400, ERROR_400).setHeader("x-ms-error-code", "InvalidRequest"));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_REJECTED_INPUT);
            assertThat(e.retriable()).isFalse();
            assertThat(e.providerCode()).isEqualTo("InvalidRequest/InvalidImageFormat");
            assertThat(e.providerMessage()).contains("The input image is invalid.")
                    .contains("Input data is not a valid image.");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void malformedJsonIsABadResponseAndNotRetried() {
        server.enqueue(json(200, "{\"modelVersion\": \"2023-04-15\", \"vector\": [0.1, 0.2,"));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.retriable()).isFalse();
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aStalledAnswerTimesOut() {
        server.enqueue(json(200, answer(1024)).throttleBody(1, 500, TimeUnit.MILLISECONDS));
        HostedClientConfig quick = HostedFixtures.clientConfig()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(150), Duration.ofSeconds(1))
                .withRetry(RetryPolicy.noRetries(Duration.ofSeconds(5)));
        long started = System.nanoTime();
        try (AzureVisionEmbedder embedder = embedder(config().withClient(quick))) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_TIMEOUT);
            assertThat(e.retriable()).isTrue();
            assertThat(e.httpStatus()).isZero();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aDroppedConnectionIsRetried() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        server.enqueue(json(200, answer(1024)));
        try (AzureVisionEmbedder embedder = embedder(config())) {
            assertThat(embedder.embed(IMAGE)).hasSize(1024);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void theCircuitOpensAfterTheThresholdAndHalfOpensAfterTheOpenDuration() {
        AzureVisionConfig config = config().withClient(HostedFixtures.clientConfig()
                .withRetry(RetryPolicy.noRetries(Duration.ofSeconds(10)))
                .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofSeconds(30))));
        server.enqueue(json(503, ERROR_503));
        server.enqueue(json(503, ERROR_503));
        try (AzureVisionEmbedder embedder = embedder(config)) {
            CircuitBreaker breaker = embedder.client().circuitBreaker();
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

            ProviderException open = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.CIRCUIT_OPEN);
            assertThat(open.retriable()).isTrue();
            assertThat(open.httpStatus()).isZero();
            assertThat(open.retryAfter()).contains(Duration.ofSeconds(30));
            assertThat(server.getRequestCount()).as("an open circuit does not call").isEqualTo(2);

            time.advance(Duration.ofSeconds(29));
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.CIRCUIT_OPEN);

            time.advance(Duration.ofSeconds(1));
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            server.enqueue(json(200, answer(1024)));
            assertThat(embedder.embed(IMAGE)).hasSize(1024);
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(server.getRequestCount()).isEqualTo(3);
        }
    }

    @Test
    void aFailedTrialCallReopensTheCircuit() {
        AzureVisionConfig config = config().withClient(HostedFixtures.clientConfig()
                .withRetry(RetryPolicy.noRetries(Duration.ofSeconds(10)))
                .withCircuitBreaker(new CircuitBreakerConfig(1, Duration.ofSeconds(30))));
        server.enqueue(json(500, ERROR_503));
        server.enqueue(json(502, "<html><body>Bad Gateway</body></html>"));
        try (AzureVisionEmbedder embedder = embedder(config)) {
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_UNAVAILABLE);
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.CIRCUIT_OPEN);

            time.advance(Duration.ofSeconds(30));
            ProviderException trial = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(trial.providerMessage()).isEqualTo("<html><body>Bad Gateway</body></html>");
            assertThat(embedder.client().circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.CIRCUIT_OPEN);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void rejectedKeysDoNotOpenTheCircuit() {
        AzureVisionConfig config = config().withClient(HostedFixtures.clientConfig()
                .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofSeconds(30))));
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(401, ERROR_401));
        }
        try (AzureVisionEmbedder embedder = embedder(config)) {
            for (int i = 0; i < 3; i++) {
                fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_AUTH_FAILED);
            }
            assertThat(embedder.client().circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void theKeyStaysOutOfToString() {
        AzureVisionConfig config = config();
        assertThat(config.toString()).doesNotContain(KEY).contains("apiKey=***");
        try (AzureVisionEmbedder embedder = embedder(config)) {
            assertThat(embedder.toString()).doesNotContain(KEY);
        }
        assertThat(List.of(FoundryConfig.of("https://x", KEY, "m").toString(),
                CoreVizConfig.of(KEY).toString())).noneMatch(s -> s.contains(KEY));
    }
}
