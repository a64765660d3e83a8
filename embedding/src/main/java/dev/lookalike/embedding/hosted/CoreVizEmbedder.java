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
 * CoreViz Vision API image embeddings (CLIP):
 * <pre>
 * POST {endpoint}/api/ai/embeddings
 * x-api-key: &lt;key&gt;
 * IMAGE_FIELD: {"image": "data:image/jpeg;base64,...", "model": "optional"}
 *              -&gt; 200 {"embedding": [...], "dimensions": 768, "model": "default"}
 * INPUT_FIELD: {"input": "data:image/jpeg;base64,..." | "some text", "type": "image" | "text"}
 *              -&gt; 200 {"embedding": [...]}
 * errors:      {"error": "Unauthorized", "message": "Invalid or missing API key"} (400, 401, 422, 429, 500)
 * </pre>
 * Both request bodies are in CoreViz's public docs (the Vision SDK endpoint page and the newer
 * Vision API page); {@link CoreVizConfig.Style#IMAGE_FIELD} is the default. Text embedding is only
 * documented for the {@code input}/{@code type} form, so {@link #supportsText()} follows the style.
 * Assumption: the docs show image URLs in the {@code image} field; we send a base64 data URL there,
 * which the newer page documents for {@code input} ("image URL, base64 data URI, or text").
 * When the answer carries {@code dimensions}, it must match the vector's length.
 */
public final class CoreVizEmbedder extends HostedEmbedder {

    public static final String PROVIDER = "coreviz";
    private static final MediaType JSON = MediaType.get("application/json");

    private final CoreVizConfig config;
    private final HttpUrl url;

    public CoreVizEmbedder(String name, CoreVizConfig config) {
        this(name, config, new HostedClient(PROVIDER, config.client()));
    }

    /** With a prepared client (shared clock, sleeper, or a test's fakes); the embedder closes it. */
    public CoreVizEmbedder(String name, CoreVizConfig config, HostedClient client) {
        super(name, config.effectiveModelId(), config.dimensions(), client);
        this.config = config;
        this.url = HostedClient.endpoint(PROVIDER, config.endpoint()).newBuilder()
                .addPathSegment("api").addPathSegment("ai").addPathSegment("embeddings").build();
    }

    public CoreVizConfig config() {
        return config;
    }

    @Override
    public float[] embed(DecodedImage image) {
        String dataUrl = ImagePayload.dataUrl(ImagePayload.encode(image, config.upload()), config.upload());
        ObjectNode body = HostedClient.JSON.createObjectNode();
        if (config.style() == CoreVizConfig.Style.INPUT_FIELD) {
            body.put("input", dataUrl).put("type", "image");
        } else {
            body.put("image", dataUrl);
            if (config.model() != null && !config.model().isBlank()) {
                body.put("model", config.model());
            }
        }
        return send(body);
    }

    @Override
    public boolean supportsText() {
        return config.style() == CoreVizConfig.Style.INPUT_FIELD;
    }

    @Override
    public float[] embedText(String text) {
        if (!supportsText()) {
            return super.embedText(text);
        }
        return send(HostedClient.JSON.createObjectNode().put("input", requireText(text)).put("type", "text"));
    }

    private float[] send(ObjectNode body) {
        Request request = new Request.Builder().url(url)
                .header("x-api-key", config.apiKey())
                .post(RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), JSON))
                .build();
        HostedClient.Reply reply = client.send(request);
        JsonNode embedding = reply.body().get("embedding");
        JsonNode declared = reply.body().get("dimensions");
        if (embedding != null && embedding.isArray() && declared != null && declared.canConvertToInt()
                && declared.asInt() != embedding.size()) {
            throw ProviderException.badResponse(PROVIDER, reply.status(), "declares " + declared.asInt()
                    + " dimensions but sent " + embedding.size());
        }
        return vector(embedding, reply.status(), "embedding");
    }
}
