package dev.lookalike.embedding.hosted;

import java.util.Objects;

/**
 * Settings for {@link AzureVisionEmbedder} (Azure AI Vision 4.0 multimodal embeddings,
 * "image retrieval").
 *
 * @param endpoint     the resource endpoint, e.g. {@code https://<name>.cognitiveservices.azure.com}
 * @param apiKey       sent as {@code Ocp-Apim-Subscription-Key}; redacted from {@link #toString()}
 * @param apiVersion   {@code api-version} query parameter (default {@code 2024-02-01})
 * @param modelVersion {@code model-version} query parameter (default {@code 2023-04-15}, the multilingual
 *                     model); vectors of different model versions are not comparable
 * @param dimensions   expected vector size (default 1024, the documented size); 0 = learn from the first answer
 * @param textEnabled  whether {@link AzureVisionEmbedder#embedText} is offered ({@code retrieval:vectorizeText})
 * @param upload       how images are re-encoded for the binary upload
 * @param modelId      overrides the derived {@code azure-vision:<modelVersion>}; null = derive
 * @param client       timeouts, retries, circuit breaker
 */
public record AzureVisionConfig(String endpoint, String apiKey, String apiVersion, String modelVersion,
                                int dimensions, boolean textEnabled, UploadFormat upload, String modelId,
                                HostedClientConfig client) {

    public static final String DEFAULT_API_VERSION = "2024-02-01";
    public static final String DEFAULT_MODEL_VERSION = "2023-04-15";
    public static final int DEFAULT_DIMENSIONS = 1024;

    public AzureVisionConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        if (apiVersion == null || apiVersion.isBlank() || modelVersion == null || modelVersion.isBlank()) {
            throw new IllegalArgumentException("apiVersion and modelVersion must not be blank");
        }
        if (dimensions < 0) {
            throw new IllegalArgumentException("dimensions must be >= 0");
        }
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(client, "client");
    }

    public static AzureVisionConfig of(String endpoint, String apiKey) {
        return new AzureVisionConfig(endpoint, apiKey, DEFAULT_API_VERSION, DEFAULT_MODEL_VERSION,
                DEFAULT_DIMENSIONS, true, UploadFormat.defaults(), null, HostedClientConfig.defaults());
    }

    public AzureVisionConfig withDimensions(int dims) {
        return new AzureVisionConfig(endpoint, apiKey, apiVersion, modelVersion, dims, textEnabled, upload, modelId,
                client);
    }

    public AzureVisionConfig withModelVersion(String version) {
        return new AzureVisionConfig(endpoint, apiKey, apiVersion, version, dimensions, textEnabled, upload, modelId,
                client);
    }

    public AzureVisionConfig withClient(HostedClientConfig clientConfig) {
        return new AzureVisionConfig(endpoint, apiKey, apiVersion, modelVersion, dimensions, textEnabled, upload,
                modelId, clientConfig);
    }

    /** {@code modelId} if set, else {@code azure-vision:<modelVersion>}. */
    public String effectiveModelId() {
        return modelId != null && !modelId.isBlank() ? modelId : "azure-vision:" + modelVersion;
    }

    @Override
    public String toString() {
        return "AzureVisionConfig[endpoint=" + endpoint + ", apiKey=" + HostedEmbedder.redact(apiKey)
                + ", apiVersion=" + apiVersion + ", modelVersion=" + modelVersion + ", dimensions=" + dimensions
                + ", textEnabled=" + textEnabled + ", upload=" + upload + ", modelId=" + modelId
                + ", client=" + client + "]";
    }
}
