package dev.lookalike.embedding.hosted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.embedding.image.DecodedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Azure AI Foundry model inference image embeddings (OpenAI-style answer):
 * <pre>
 * POST {endpoint}/images/embeddings[?api-version=...]
 * api-key: &lt;key&gt;   (or Authorization: Bearer &lt;key&gt;)
 * {"model": "...", "input": [{"image": "data:image/jpeg;base64,...", "text": "optional"}],
 *  "input_type": "document", "dimensions": 1024 (optional), "encoding_format": "float"}
 * -&gt; 200 {"data": [{"embedding": [...], "index": 0, "object": "embedding"}], "model": "...",
 *          "usage": {"prompt_tokens": N, "total_tokens": N}}
 * -&gt; 422 {"error": {"code": "...", "message": "...", "details": ...}} when a field is unsupported
 * </pre>
 * Text-only embedding is not part of {@code /images/embeddings}; when {@link FoundryConfig#textEmbeddings()}
 * is on, texts go to the sibling {@code {endpoint}/embeddings} route with the same answer shape.
 */
public final class FoundryEmbedder extends HostedEmbedder {

    public static final String PROVIDER = "foundry";
    private static final MediaType JSON = MediaType.get("application/json");

    private final FoundryConfig config;
    private final HttpUrl imageUrl;
    private final HttpUrl textUrl;

    public FoundryEmbedder(String name, FoundryConfig config) {
        this(name, config, new HostedClient(PROVIDER, config.client()));
    }

    /** With a prepared client (shared clock, sleeper, or a test's fakes); the embedder closes it. */
    public FoundryEmbedder(String name, FoundryConfig config, HostedClient client) {
        super(name, config.effectiveModelId(), config.dimensions(), client);
        this.config = config;
        HttpUrl base = HostedClient.endpoint(PROVIDER, config.endpoint());
        this.imageUrl = route(base, "images", "embeddings");
        this.textUrl = route(base, "embeddings");
    }

    private HttpUrl route(HttpUrl base, String... segments) {
        HttpUrl.Builder builder = base.newBuilder();
        for (String segment : segments) {
            builder.addPathSegment(segment);
        }
        if (config.apiVersion() != null && !config.apiVersion().isBlank()) {
            builder.setQueryParameter("api-version", config.apiVersion());
        }
        return builder.build();
    }

    public FoundryConfig config() {
        return config;
    }

    @Override
    public float[] embed(DecodedImage image) {
        return embed(image, null);
    }

    /** Embeds an image with an optional paired text (for models like CLIP/DINO; others answer 422). */
    public float[] embed(DecodedImage image, String text) {
        ObjectNode input = imageInput(image);
        if (text != null) {
            input.put("text", text);
        }
        return send(imageUrl, List.of(input), config.imageInputType()).get(0);
    }

    /** Embeds several images, {@link FoundryConfig#maxImagesPerRequest()} per request, in input order. */
    public List<float[]> embedBatch(List<DecodedImage> images) {
        List<float[]> vectors = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += config.maxImagesPerRequest()) {
            List<ObjectNode> inputs = new ArrayList<>();
            for (DecodedImage image : images.subList(from, Math.min(images.size(), from + config.maxImagesPerRequest()))) {
                inputs.add(imageInput(image));
            }
            vectors.addAll(send(imageUrl, inputs, config.imageInputType()));
        }
        return vectors;
    }

    @Override
    public boolean supportsText() {
        return config.textEmbeddings();
    }

    @Override
    public float[] embedText(String text) {
        if (!config.textEmbeddings()) {
            return super.embedText(text);
        }
        return send(textUrl, List.of(HostedClient.JSON.getNodeFactory().textNode(requireText(text))),
                config.textInputType()).get(0);
    }

    private ObjectNode imageInput(DecodedImage image) {
        byte[] bytes = ImagePayload.encode(image, config.upload());
        return HostedClient.JSON.createObjectNode().put("image", ImagePayload.dataUrl(bytes, config.upload()));
    }

    private List<float[]> send(HttpUrl url, List<? extends JsonNode> inputs, String inputType) {
        ObjectNode body = HostedClient.JSON.createObjectNode();
        if (config.model() != null && !config.model().isBlank()) {
            body.put("model", config.model());
        }
        ArrayNode input = body.putArray("input");
        inputs.forEach(input::add);
        if (inputType != null && !inputType.isBlank()) {
            body.put("input_type", inputType);
        }
        if (config.requestDimensions()) {
            body.put("dimensions", config.dimensions());
        }
        body.put("encoding_format", "float");
        Request.Builder request = new Request.Builder().url(url)
                .post(RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), JSON));
        if (config.auth() == FoundryConfig.Auth.BEARER) {
            request.header("Authorization", "Bearer " + config.apiKey());
        } else {
            request.header("api-key", config.apiKey());
        }
        return read(client.send(request.build()), inputs.size());
    }

    /** The {@code data} entries, put back in input order by their {@code index}. */
    private List<float[]> read(HostedClient.Reply reply, int expected) {
        JsonNode data = reply.body().get("data");
        if (data == null || !data.isArray()) {
            throw ProviderException.badResponse(PROVIDER, reply.status(), "missing 'data' array");
        }
        if (data.size() != expected) {
            throw ProviderException.badResponse(PROVIDER, reply.status(),
                    data.size() + " embeddings for " + expected + " inputs");
        }
        float[][] vectors = new float[expected][];
        for (int i = 0; i < expected; i++) {
            JsonNode item = data.get(i);
            JsonNode indexNode = item.get("index");
            int index = indexNode != null && indexNode.canConvertToInt() ? indexNode.asInt() : i;
            if (index < 0 || index >= expected || vectors[index] != null) {
                throw ProviderException.badResponse(PROVIDER, reply.status(), "bad or repeated index " + index);
            }
            JsonNode embedding = item.get("embedding");
            if (embedding != null && embedding.isTextual()) {
                throw ProviderException.badResponse(PROVIDER, reply.status(),
                        "'embedding' is a string (base64?) although encoding_format float was requested");
            }
            vectors[index] = vector(embedding, reply.status(), "data[" + i + "].embedding");
        }
        return List.of(vectors);
    }
}
