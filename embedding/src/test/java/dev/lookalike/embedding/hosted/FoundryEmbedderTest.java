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
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FoundryEmbedderTest {

    private static final String MODEL = "Cohere-embed-v3-english";
    private static final String ERROR_422 = """
            {"error": {"code": "Invalid input", "status": 422, \
            "message": "Extra parameters ['dimensions'] are not allowed when extra-parameters is not set or set to \
            be 'error'. Set extra-parameters to 'pass-through' to pass to the model.", \
            "details": [{"loc": ["body", "dimensions"], "msg": "Extra inputs are not permitted", \
            "type": "extra_forbidden"}]}}""";
    private static final String ERROR_429 = """
            {"error": {"code": "RateLimitReached", "message": "Rate limit of 10 per 60s exceeded."}}""";

    private final ObjectMapper mapper = new ObjectMapper();
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

    private FoundryConfig config() {
        return FoundryConfig.of(server.url("/models").toString(), KEY, MODEL)
                .withApiVersion("2024-05-01-preview").withClient(HostedFixtures.clientConfig());
    }

    private FoundryEmbedder embedder(FoundryConfig config) {
        return new FoundryEmbedder("foundry", config, HostedFixtures.client(FoundryEmbedder.PROVIDER,
                config.client(), time));
    }

    /** An answer with one entry per index, listed in the given order. */
    private static String answer(int dimensions, int... indexes) {
        StringBuilder data = new StringBuilder();
        for (int index : indexes) {
            if (data.length() > 0) {
                data.append(',');
            }
            data.append("{\"embedding\": ").append(vector(dimensions).replaceFirst("\\[", "[" + (index + 1) + ","))
                    .append(", \"index\": ").append(index).append(", \"object\": \"embedding\"}");
        }
        return "{\"data\": [" + data + "], \"model\": \"" + MODEL + "\", \"object\": \"list\", "
                + "\"usage\": {\"prompt_tokens\": 1000, \"total_tokens\": 1000}}";
    }

    private JsonNode body(RecordedRequest request) throws IOException {
        return mapper.readTree(request.getBody().readUtf8());
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
        assertThat(e.provider()).isEqualTo(FoundryEmbedder.PROVIDER);
        assertThat(e.getMessage()).doesNotContain(KEY);
        return e;
    }

    @Test
    void sendsTheImageAsADataUrlAndReadsTheOpenAiStyleAnswer() throws Exception {
        server.enqueue(json(200, answer(1023, 0)));
        try (FoundryEmbedder embedder = embedder(config())) {
            assertThat(embedder.modelId()).isEqualTo("foundry:" + MODEL);
            assertThat(embedder.supportsText()).isFalse();

            float[] vector = embedder.embed(IMAGE);

            assertThat(vector).hasSize(1024);
            assertUnitLength(vector);
            assertThat(embedder.dimensions()).isEqualTo(1024);
        }
        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/models/images/embeddings?api-version=2024-05-01-preview");
        assertThat(request.getHeader("api-key")).isEqualTo(KEY);
        assertThat(request.getHeader("Authorization")).isNull();
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = body(request);
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("input_type").asText()).isEqualTo("document");
        assertThat(body.get("encoding_format").asText()).isEqualTo("float");
        assertThat(body.has("dimensions")).isFalse();
        assertThat(body.get("input")).hasSize(1);
        String image = body.get("input").get(0).get("image").asText();
        assertThat(image).startsWith("data:image/jpeg;base64,");
        assertThat(body.get("input").get(0).has("text")).isFalse();
        BufferedImage sent = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(image.substring(image.indexOf(',') + 1))));
        assertThat(sent.getWidth()).isEqualTo(64);
        assertThat(sent.getHeight()).isEqualTo(48);
    }

    @Test
    void bearerAuthRequestedDimensionsAndPairedText() throws Exception {
        server.enqueue(json(200, answer(7, 0)));
        FoundryConfig config = FoundryConfig.of(server.url("/").toString(), KEY, MODEL)
                .withAuth(FoundryConfig.Auth.BEARER).withDimensions(8, true).withClient(HostedFixtures.clientConfig());
        try (FoundryEmbedder embedder = embedder(config)) {
            assertThat(embedder.modelId()).isEqualTo("foundry:" + MODEL + ":8");
            assertThat(embedder.embed(IMAGE, "a cat on a sofa")).hasSize(8);
        }
        RecordedRequest request = take();
        assertThat(request.getPath()).isEqualTo("/images/embeddings");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.getHeader("api-key")).isNull();
        JsonNode body = body(request);
        assertThat(body.get("dimensions").asInt()).isEqualTo(8);
        assertThat(body.get("input").get(0).get("text").asText()).isEqualTo("a cat on a sofa");
    }

    @Test
    void anUnsupportedFieldIsAClearNonRetriableRejection() {
        server.enqueue(json(422, ERROR_422));
        FoundryConfig config = config().withDimensions(256, true);
        try (FoundryEmbedder embedder = embedder(config)) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_REJECTED_INPUT);
            assertThat(e.retriable()).isFalse();
            assertThat(e.httpStatus()).isEqualTo(422);
            assertThat(e.providerCode()).isEqualTo("Invalid input");
            assertThat(e.providerMessage()).startsWith("Extra parameters ['dimensions'] are not allowed")
                    .contains("body.dimensions: Extra inputs are not permitted");
            assertThat(e.getMessage()).contains("HTTP 422").contains("dimensions");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void batchesUpToMaxImagesPerRequestAndKeepsInputOrder() throws Exception {
        server.enqueue(json(200, answer(3, 1, 0)));
        server.enqueue(json(200, answer(3, 0)));
        List<DecodedImage> images = List.of(IMAGE, DecodedImage.of(TestImages.generate(8, 40, 40), "png"),
                DecodedImage.of(TestImages.generate(9, 40, 40), "png"));
        try (FoundryEmbedder embedder = embedder(config().withMaxImagesPerRequest(2))) {
            List<float[]> vectors = embedder.embedBatch(images);

            assertThat(vectors).hasSize(3);
            // Each fake embedding starts with index + 1, so order is visible after normalization.
            assertThat(vectors.get(0)[0]).isLessThan(vectors.get(1)[0]);
            assertThat(vectors.get(2)[0]).isLessThan(vectors.get(1)[0]);
        }
        assertThat(body(take()).get("input")).hasSize(2);
        assertThat(body(take()).get("input")).hasSize(1);
    }

    @Test
    void textGoesToTheEmbeddingsRouteWhenEnabled() throws Exception {
        try (FoundryEmbedder embedder = embedder(config())) {
            assertThatThrownBy(() -> embedder.embedText("cats")).isInstanceOf(UnsupportedOperationException.class);
        }
        server.enqueue(json(200, answer(3, 0)));
        try (FoundryEmbedder embedder = embedder(config().withTextEmbeddings(true))) {
            assertThat(embedder.supportsText()).isTrue();
            assertThat(embedder.embedText("cats on sofas")).hasSize(4);
        }
        RecordedRequest request = take();
        assertThat(request.getPath()).isEqualTo("/models/embeddings?api-version=2024-05-01-preview");
        JsonNode body = body(request);
        assertThat(body.get("input").toString()).isEqualTo("[\"cats on sofas\"]");
        assertThat(body.get("input_type").asText()).isEqualTo("query");
    }

    @Test
    void honoursRetryAfterAsAnHttpDate() {
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(FakeTime.START.plusSeconds(3).atOffset(ZoneOffset.UTC));
        server.enqueue(json(429, ERROR_429).setHeader("Retry-After", inThreeSeconds));
        server.enqueue(json(200, answer(3, 0)));
        try (FoundryEmbedder embedder = embedder(config())) {
            assertThat(embedder.embed(IMAGE)).hasSize(4);
        }
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void capsALongRetryAfterAtTheMaxDelay() {
        server.enqueue(json(429, ERROR_429).setHeader("Retry-After", "3600"));
        server.enqueue(json(200, answer(3, 0)));
        try (FoundryEmbedder embedder = embedder(config())) {
            assertThat(embedder.embed(IMAGE)).hasSize(4);
        }
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(10));
    }

    @Test
    void persistentRateLimitingGivesUpRetriable() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(429, ERROR_429).setHeader("retry-after-ms", "1500"));
        }
        try (FoundryEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_RATE_LIMITED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
            assertThat(e.providerMessage()).isEqualTo("Rate limit of 10 per 60s exceeded.");
        }
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(1500), Duration.ofMillis(1500));
    }

    @Test
    void aBase64EmbeddingOrAMissingEntryIsABadResponse() {
        server.enqueue(json(200, "{\"data\": [{\"embedding\": \"AAAAAA==\", \"index\": 0}], \"model\": \"m\"}"));
        server.enqueue(json(200, "{\"data\": [], \"model\": \"m\"}"));
        try (FoundryEmbedder embedder = embedder(config())) {
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.getMessage()).contains("0 embeddings for 1 inputs");
        }
    }

    @Test
    void needsAModelOrAModelId() {
        assertThatThrownBy(() -> FoundryConfig.of("https://x.services.ai.azure.com/models", KEY, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
