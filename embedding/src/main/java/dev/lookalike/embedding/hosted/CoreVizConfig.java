package dev.lookalike.embedding.hosted;

import java.util.Objects;

/**
 * Settings for {@link CoreVizEmbedder}.
 *
 * @param endpoint   base URL (default {@code https://lab.coreviz.io}); the route {@code /api/ai/embeddings} is appended
 * @param apiKey     sent as {@code x-api-key}; redacted from {@link #toString()}
 * @param style      which documented request body to send, see {@link Style}
 * @param model      the optional {@code model} field ({@link Style#IMAGE_FIELD} only); null = provider default
 * @param dimensions expected vector size; 0 = learn from the first answer (CLIP: 512 or 768)
 * @param upload     how images are re-encoded into the data URL
 * @param modelId    overrides the derived {@code coreviz:<model or "default">}; null = derive
 * @param client     timeouts, retries, circuit breaker
 */
public record CoreVizConfig(String endpoint, String apiKey, Style style, String model, int dimensions,
                            UploadFormat upload, String modelId, HostedClientConfig client) {

    public static final String DEFAULT_ENDPOINT = "https://lab.coreviz.io";

    /**
     * CoreViz documents two request bodies for {@code POST /api/ai/embeddings}; answers share the
     * {@code embedding} field.
     */
    public enum Style {
        /** {@code {"image": "<url or data URL>", "model": "optional"}} -&gt; {@code {"embedding", "dimensions", "model"}}; images only. */
        IMAGE_FIELD,
        /** {@code {"input": "<url, data URI or text>", "type": "image"|"text"}} -&gt; {@code {"embedding"}}; also texts. */
        INPUT_FIELD
    }

    public CoreVizConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        Objects.requireNonNull(style, "style");
        if (dimensions < 0) {
            throw new IllegalArgumentException("dimensions must be >= 0");
        }
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(client, "client");
    }

    public static CoreVizConfig of(String apiKey) {
        return of(DEFAULT_ENDPOINT, apiKey);
    }

    public static CoreVizConfig of(String endpoint, String apiKey) {
        return new CoreVizConfig(endpoint, apiKey, Style.IMAGE_FIELD, null, 0, UploadFormat.defaults(), null,
                HostedClientConfig.defaults());
    }

    public CoreVizConfig withStyle(Style requestStyle) {
        return new CoreVizConfig(endpoint, apiKey, requestStyle, model, dimensions, upload, modelId, client);
    }

    public CoreVizConfig withModel(String name) {
        return new CoreVizConfig(endpoint, apiKey, style, name, dimensions, upload, modelId, client);
    }

    public CoreVizConfig withDimensions(int dims) {
        return new CoreVizConfig(endpoint, apiKey, style, model, dims, upload, modelId, client);
    }

    public CoreVizConfig withClient(HostedClientConfig clientConfig) {
        return new CoreVizConfig(endpoint, apiKey, style, model, dimensions, upload, modelId, clientConfig);
    }

    /** {@code modelId} if set, else {@code coreviz:<model>} ({@code coreviz:default} without a model). */
    public String effectiveModelId() {
        if (modelId != null && !modelId.isBlank()) {
            return modelId;
        }
        return "coreviz:" + (model == null || model.isBlank() ? "default" : model);
    }

    @Override
    public String toString() {
        return "CoreVizConfig[endpoint=" + endpoint + ", apiKey=" + HostedEmbedder.redact(apiKey) + ", style=" + style
                + ", model=" + model + ", dimensions=" + dimensions + ", upload=" + upload + ", modelId=" + modelId
                + ", client=" + client + "]";
    }
}
