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
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoreVizEmbedderTest {

    private static final String ERROR_401 = """
            {"error": "Unauthorized", "message": "Invalid or missing API key"}""";
    private static final String ERROR_422 = """
            {"error": "Unprocessable Entity", "message": "Unable to process the provided image"}""";
    private static final String ERROR_500 = """
            {"error": "Internal Server Error", "message": "Embedding model is warming up"}""";

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

    private CoreVizConfig config() {
        return CoreVizConfig.of(server.url("/").toString(), KEY).withClient(HostedFixtures.clientConfig());
    }

    private CoreVizEmbedder embedder(CoreVizConfig config) {
        return new CoreVizEmbedder("clip", config, HostedFixtures.client(CoreVizEmbedder.PROVIDER,
                config.client(), time));
    }

    private static String answer(int dimensions) {
        return "{\"embedding\": " + vector(dimensions) + ", \"dimensions\": " + dimensions
                + ", \"model\": \"default\"}";
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
        assertThat(e.provider()).isEqualTo(CoreVizEmbedder.PROVIDER);
        assertThat(e.getMessage()).doesNotContain(KEY);
        return e;
    }

    @Test
    void sendsTheImageFieldWithTheOptionalModel() throws Exception {
        server.enqueue(json(200, answer(768)));
        try (CoreVizEmbedder embedder = embedder(config().withModel("clip-vit-l-14"))) {
            assertThat(embedder.modelId()).isEqualTo("coreviz:clip-vit-l-14");
            assertThat(embedder.supportsText()).isFalse();
            assertThatThrownBy(() -> embedder.embedText("cat")).isInstanceOf(UnsupportedOperationException.class);

            float[] vector = embedder.embed(IMAGE);

            assertThat(vector).hasSize(768);
            assertUnitLength(vector);
            assertThat(embedder.dimensions()).isEqualTo(768);
        }
        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/api/ai/embeddings");
        assertThat(request.getHeader("x-api-key")).isEqualTo(KEY);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = mapper.readTree(request.getBody().readUtf8());
        assertThat(body.get("image").asText()).startsWith("data:image/jpeg;base64,/9j/");
        assertThat(body.get("model").asText()).isEqualTo("clip-vit-l-14");
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void theInputStyleAlsoEmbedsText() throws Exception {
        server.enqueue(json(200, "{\"embedding\": " + vector(512) + "}"));
        server.enqueue(json(200, "{\"embedding\": " + vector(512) + "}"));
        try (CoreVizEmbedder embedder = embedder(config().withStyle(CoreVizConfig.Style.INPUT_FIELD))) {
            assertThat(embedder.supportsText()).isTrue();
            assertThat(embedder.embed(IMAGE)).hasSize(512);
            assertThat(embedder.embedText("a red bicycle")).hasSize(512);
        }
        JsonNode image = mapper.readTree(take().getBody().readUtf8());
        assertThat(image.get("type").asText()).isEqualTo("image");
        assertThat(image.get("input").asText()).startsWith("data:image/jpeg;base64,");
        JsonNode text = mapper.readTree(take().getBody().readUtf8());
        assertThat(text.toString()).isEqualTo("{\"input\":\"a red bicycle\",\"type\":\"text\"}");
    }

    @Test
    void aMissingKeyIsAnAuthFailureWithCoreVizsMessage() {
        server.enqueue(json(401, ERROR_401));
        try (CoreVizEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_AUTH_FAILED);
            assertThat(e.retriable()).isFalse();
            assertThat(e.providerCode()).isEqualTo("Unauthorized");
            assertThat(e.providerMessage()).isEqualTo("Invalid or missing API key");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anUnprocessableImageIsRejected() {
        server.enqueue(json(422, ERROR_422));
        try (CoreVizEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_REJECTED_INPUT);
            assertThat(e.providerMessage()).isEqualTo("Unable to process the provided image");
        }
    }

    @Test
    void aServerErrorIsRetried() {
        server.enqueue(json(500, ERROR_500));
        server.enqueue(json(200, answer(512)));
        try (CoreVizEmbedder embedder = embedder(config())) {
            assertThat(embedder.embed(IMAGE)).hasSize(512);
        }
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void declaredDimensionsMustMatchTheVector() {
        server.enqueue(json(200, "{\"embedding\": " + vector(512) + ", \"dimensions\": 768, \"model\": \"default\"}"));
        try (CoreVizEmbedder embedder = embedder(config())) {
            ProviderException e = fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            assertThat(e.getMessage()).contains("768").contains("512");
        }
    }

    @Test
    void aNonNumericEmbeddingIsABadResponse() {
        server.enqueue(json(200, "{\"embedding\": [0.1, \"x\", 0.3]}"));
        server.enqueue(json(200, "{\"embedding\": [0.1, 1e300, 0.3]}"));
        try (CoreVizEmbedder embedder = embedder(config())) {
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE);
            fails(() -> embedder.embed(IMAGE), ProviderErrorCode.PROVIDER_BAD_RESPONSE); // overflows float
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }
}
