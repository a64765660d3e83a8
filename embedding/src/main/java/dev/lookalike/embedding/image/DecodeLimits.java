package dev.lookalike.embedding.image;

/**
 * Bounds on what {@link ImageDecoder} accepts.
 *
 * @param maxBytes  encoded size limit
 * @param maxPixels width x height limit, checked from the header before any pixel is decoded
 */
public record DecodeLimits(long maxBytes, long maxPixels) {

    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    /** 40 MP covers current phone cameras; a decoded 40 MP ARGB raster is 160 MB. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public DecodeLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxBytes + ", " + maxPixels);
        }
    }

    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }
}
