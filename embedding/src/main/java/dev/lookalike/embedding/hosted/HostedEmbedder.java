package dev.lookalike.embedding.hosted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.Vectors;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the hosted embedders share: identity, dimensions that are configured or learned from the
 * first answer and enforced from then on, vector parsing and normalization, and the client's
 * lifecycle. Thread-safe.
 */
public abstract class HostedEmbedder implements Embedder {

    private final String name;
    private final String modelId;
    private final AtomicInteger dimensions;
    protected final HostedClient client;

    protected HostedEmbedder(String name, String modelId, int configuredDimensions, HostedClient client) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        if (configuredDimensions < 0) {
            throw new IllegalArgumentException("dimensions must be >= 0 (0 = learn from the first answer)");
        }
        this.name = name;
        this.modelId = modelId;
        this.dimensions = new AtomicInteger(configuredDimensions);
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    /**
     * The vector size, configured or learned from the first successful answer.
     *
     * @throws IllegalStateException when not configured and nothing was embedded yet; see {@link #knownDimensions()}
     */
    @Override
    public int dimensions() {
        int known = dimensions.get();
        if (known == 0) {
            throw new IllegalStateException(name + ": dimensions are not configured and not learned yet;"
                    + " configure them or embed once first");
        }
        return known;
    }

    /** The vector size if configured or already learned. */
    public OptionalInt knownDimensions() {
        int known = dimensions.get();
        return known == 0 ? OptionalInt.empty() : OptionalInt.of(known);
    }

    public HostedClient client() {
        return client;
    }

    /**
     * Reads a JSON array of numbers as a vector, enforces the dimensions (learning them on first
     * use) and L2-normalizes it, as {@link Embedder#embed} promises.
     */
    protected final float[] vector(JsonNode array, int status, String field) {
        if (array == null || !array.isArray()) {
            throw ProviderException.badResponse(client.provider(), status, "missing numeric array '" + field + "'");
        }
        float[] vector = new float[array.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode value = array.get(i);
            float element = value.isNumber() ? value.floatValue() : Float.NaN;
            if (!Float.isFinite(element)) {
                throw ProviderException.badResponse(client.provider(), status,
                        "'" + field + "' element " + i + " is not a finite float");
            }
            vector[i] = element;
        }
        enforceDimensions(vector.length, status);
        return Vectors.l2Normalize(vector);
    }

    private void enforceDimensions(int length, int status) {
        if (length == 0) {
            throw ProviderException.badResponse(client.provider(), status, "empty vector");
        }
        if (dimensions.compareAndSet(0, length)) {
            return;
        }
        int expected = dimensions.get();
        if (length != expected) {
            throw ProviderException.badResponse(client.provider(), status,
                    "vector has " + length + " dimensions, expected " + expected);
        }
    }

    static String requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
        return text;
    }

    static String redact(String apiKey) {
        return apiKey == null ? "null" : "***";
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[name=" + name + ", modelId=" + modelId + "]";
    }
}
