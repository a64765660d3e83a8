package dev.lookalike.embedding.hosted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.embedding.image.DecodedImage;
import java.nio.charset.StandardCharsets;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Azure AI Vision multimodal embeddings (Image Retrieval API):
 * <pre>
 * POST {endpoint}/computervision/retrieval:vectorizeImage?api-version=2024-02-01&amp;model-version=2023-04-15
 * Ocp-Apim-Subscription-Key: &lt;key&gt;
 * Content-Type: application/octet-stream        (the image bytes; the "Vectorize Stream" operation)
 * -&gt; 200 {"modelVersion": "2023-04-15", "vector": [ ...1024 floats ]}
 *
 * POST {endpoint}/computervision/retrieval:vectorizeText?api-version=...&amp;model-version=...
 * Content-Type: application/json                {"text": "..."}
 * -&gt; 200 {"modelVersion": "...", "vector": [...]}
 *
 * errors: {"error": {"code": "...", "message": "...", "innererror": {...}}} (+ header x-ms-error-code)
 * </pre>
 * The image is uploaded as bytes rather than the JSON {@code {"url": ...}} form, because we already
 * hold them and the provider then never fetches a URL on our behalf. Text and image vectors share
 * one space, so {@link #supportsText()} is true (unless disabled). An answer whose
 * {@code modelVersion} differs from the configured one is refused, since its vectors would not be
 * comparable with the stored ones.
 */
public final class AzureVisionEmbedder extends HostedEmbedder {

    public static final String PROVIDER = "azure-vision";
    private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
    private static final MediaType JSON = MediaType.get("application/json");

    private final AzureVisionConfig config;
    private final HttpUrl imageUrl;
    private final HttpUrl textUrl;

    public AzureVisionEmbedder(String name, AzureVisionConfig config) {
        this(name, config, new HostedClient(PROVIDER, config.client()));
    }

    /** With a prepared client (shared clock, sleeper, or a test's fakes); the embedder closes it. */
    public AzureVisionEmbedder(String name, AzureVisionConfig config, HostedClient client) {
        super(name, config.effectiveModelId(), config.dimensions(), client);
        this.config = config;
        HttpUrl base = HostedClient.endpoint(PROVIDER, config.endpoint());
        this.imageUrl = operation(base, "retrieval:vectorizeImage");
        this.textUrl = operation(base, "retrieval:vectorizeText");
    }

    private HttpUrl operation(HttpUrl base, String operation) {
        return base.newBuilder()
                .addPathSegment("computervision")
                .addPathSegment(operation)
                .setQueryParameter("api-version", config.apiVersion())
                .setQueryParameter("model-version", config.modelVersion())
                .build();
    }

    public AzureVisionConfig config() {
        return config;
    }

    @Override
    public float[] embed(DecodedImage image) {
        byte[] bytes = ImagePayload.encode(image, config.upload());
        Request request = new Request.Builder().url(imageUrl)
                .header("Ocp-Apim-Subscription-Key", config.apiKey())
                .post(RequestBody.create(bytes, OCTET_STREAM))
                .build();
        return read(client.send(request));
    }

    @Override
    public boolean supportsText() {
        return config.textEnabled();
    }

    @Override
    public float[] embedText(String text) {
        if (!config.textEnabled()) {
            return super.embedText(text);
        }
        ObjectNode body = HostedClient.JSON.createObjectNode().put("text", requireText(text));
        Request request = new Request.Builder().url(textUrl)
                .header("Ocp-Apim-Subscription-Key", config.apiKey())
                .post(RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), JSON))
                .build();
        return read(client.send(request));
    }

    private float[] read(HostedClient.Reply reply) {
        JsonNode body = reply.body();
        if (!body.isObject()) {
            throw ProviderException.badResponse(PROVIDER, reply.status(), "expected a JSON object");
        }
        JsonNode version = body.get("modelVersion");
        if (version != null && version.isTextual() && !"latest".equalsIgnoreCase(config.modelVersion())
                && !version.asText().equalsIgnoreCase(config.modelVersion())) {
            throw ProviderException.badResponse(PROVIDER, reply.status(), "answer is from model version "
                    + version.asText() + ", configured " + config.modelVersion());
        }
        return vector(body.get("vector"), reply.status(), "vector");
    }
}
