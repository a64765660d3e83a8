package dev.lookalike.embedding;

import dev.lookalike.embedding.image.DecodedImage;

/**
 * Turns an image (and, where the model can, a text) into a fixed-size, L2-normalized vector.
 * Several embedders can run side by side as named vectors; each owns a store and thresholds,
 * so {@link #name()} and {@link #modelId()} must be stable across restarts.
 * Implementations are thread-safe: one instance is shared by all stream threads.
 */
public interface Embedder extends AutoCloseable {

    /** Named-vector name, e.g. {@code "perceptual"}; keys the vector store. */
    String name();

    /** Model identity, e.g. {@code "perceptual-v1"}; changes whenever vectors stop being comparable. */
    String modelId();

    int dimensions();

    /** Returns a vector of length {@link #dimensions()} with unit L2 norm (or all zeros for a blank image). */
    float[] embed(DecodedImage image);

    default boolean supportsText() {
        return false;
    }

    default float[] embedText(String text) {
        throw new UnsupportedOperationException(name() + " does not embed text");
    }

    /** Narrowed: releasing an embedder's resources is not expected to fail with a checked exception. */
    @Override
    default void close() {
    }
}
