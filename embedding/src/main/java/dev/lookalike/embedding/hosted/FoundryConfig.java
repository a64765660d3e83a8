package dev.lookalike.embedding.hosted;

import java.util.Objects;

/**
 * Settings for {@link FoundryEmbedder} (Azure AI Foundry model inference {@code /images/embeddings},
 * OpenAI-style answers), e.g. Cohere-embed-v3 deployments.
 *
 * @param endpoint            the inference endpoint, e.g. {@code https://<name>.services.ai.azure.com/models}
 * @param apiKey              redacted from {@link #toString()}
 * @param auth                {@link Auth#API_KEY} ({@code api-key: <key>}, default) or {@link Auth#BEARER}
 *                            ({@code Authorization: Bearer <key>})
 * @param apiVersion          {@code api-version} query parameter, e.g. {@code 2024-05-01-preview}; null = omit
 * @param model               the {@code model} field (deployment name); null = omit (single-model endpoints)
 * @param dimensions          expected vector size; 0 = learn from the first answer
 * @param requestDimensions   also send {@code dimensions} in the request (models that do not support it answer 422)
 * @param imageInputType      {@code input_type} for images, default {@code document}; null = omit
 * @param textInputType       {@code input_type} for texts, default {@code query}; null = omit
 * @param textEmbeddings      offer {@link FoundryEmbedder#embedText} through {@code {endpoint}/embeddings}, for
 *                            models whose text and image vectors share a space (Cohere embed v3); default false
 * @param maxImagesPerRequest images per request in {@link FoundryEmbedder#embedBatch}; default 1 (Cohere takes one)
 * @param upload              how images are re-encoded into the data URL
 * @param modelId             overrides the derived {@code foundry:<model>[:<dimensions>]}; required when model is null
 * @param client              timeouts, retries, circuit breaker
 */
public record FoundryConfig(String endpoint, String apiKey, Auth auth, String apiVersion, String model,
                            int dimensions, boolean requestDimensions, String imageInputType, String textInputType,
                            boolean textEmbeddings, int maxImagesPerRequest, UploadFormat upload, String modelId,
                            HostedClientConfig client) {

    public enum Auth { API_KEY, BEARER }

    public FoundryConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        Objects.requireNonNull(auth, "auth");
        if (dimensions < 0) {
            throw new IllegalArgumentException("dimensions must be >= 0");
        }
        if (requestDimensions && dimensions == 0) {
            throw new IllegalArgumentException("requestDimensions needs dimensions > 0");
        }
        if (maxImagesPerRequest < 1) {
            throw new IllegalArgumentException("maxImagesPerRequest must be >= 1");
        }
        if ((model == null || model.isBlank()) && (modelId == null || modelId.isBlank())) {
            throw new IllegalArgumentException("set model or modelId: the modelId must name the model");
        }
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(client, "client");
    }

    public static FoundryConfig of(String endpoint, String apiKey, String model) {
        return new FoundryConfig(endpoint, apiKey, Auth.API_KEY, null, model, 0, false, "document", "query", false,
                1, UploadFormat.defaults(), null, HostedClientConfig.defaults());
    }

    public FoundryConfig withAuth(Auth style) {
        return new FoundryConfig(endpoint, apiKey, style, apiVersion, model, dimensions, requestDimensions,
                imageInputType, textInputType, textEmbeddings, maxImagesPerRequest, upload, modelId, client);
    }

    public FoundryConfig withApiVersion(String version) {
        return new FoundryConfig(endpoint, apiKey, auth, version, model, dimensions, requestDimensions,
                imageInputType, textInputType, textEmbeddings, maxImagesPerRequest, upload, modelId, client);
    }

    public FoundryConfig withDimensions(int dims, boolean request) {
        return new FoundryConfig(endpoint, apiKey, auth, apiVersion, model, dims, request, imageInputType,
                textInputType, textEmbeddings, maxImagesPerRequest, upload, modelId, client);
    }

    public FoundryConfig withTextEmbeddings(boolean enabled) {
        return new FoundryConfig(endpoint, apiKey, auth, apiVersion, model, dimensions, requestDimensions,
                imageInputType, textInputType, enabled, maxImagesPerRequest, upload, modelId, client);
    }

    public FoundryConfig withMaxImagesPerRequest(int max) {
        return new FoundryConfig(endpoint, apiKey, auth, apiVersion, model, dimensions, requestDimensions,
                imageInputType, textInputType, textEmbeddings, max, upload, modelId, client);
    }

    public FoundryConfig withClient(HostedClientConfig clientConfig) {
        return new FoundryConfig(endpoint, apiKey, auth, apiVersion, model, dimensions, requestDimensions,
                imageInputType, textInputType, textEmbeddings, maxImagesPerRequest, upload, modelId, clientConfig);
    }

    /** {@code modelId} if set, else {@code foundry:<model>}, plus {@code :<dimensions>} when they are requested. */
    public String effectiveModelId() {
        if (modelId != null && !modelId.isBlank()) {
            return modelId;
        }
        return "foundry:" + model + (requestDimensions ? ":" + dimensions : "");
    }

    @Override
    public String toString() {
        return "FoundryConfig[endpoint=" + endpoint + ", apiKey=" + HostedEmbedder.redact(apiKey) + ", auth=" + auth
                + ", apiVersion=" + apiVersion + ", model=" + model + ", dimensions=" + dimensions
                + ", requestDimensions=" + requestDimensions + ", imageInputType=" + imageInputType
                + ", textInputType=" + textInputType + ", textEmbeddings=" + textEmbeddings
                + ", maxImagesPerRequest=" + maxImagesPerRequest + ", upload=" + upload + ", modelId=" + modelId
                + ", client=" + client + "]";
    }
}
