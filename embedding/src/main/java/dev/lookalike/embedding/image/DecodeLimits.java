package dev.lookalike.embedding.image;

/**
 * Bounds on what {@link ImageDecoder} accepts, and how large a raster it builds.
 *
 * @param maxBytes       encoded size limit
 * @param maxPixels      width x height limit, checked from the header before any pixel is decoded
 * @param minDecodedSide an image whose shorter side is at least twice this is decoded with source
 *                       subsampling (every n-th pixel of every n-th row) so that its decoded shorter
 *                       side stays at or above this; smaller images are decoded in full
 */
public record DecodeLimits(long maxBytes, long maxPixels, int minDecodedSide) {

    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    /** 40 MP covers current phone cameras; a decoded 40 MP ARGB raster is 160 MB. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /**
     * What every consumer of a decoded image needs, with room to spare: the perceptual embedder
     * averages ~512x512 samples down to 32x32, ONNX models take 224 px by default, hosted
     * embedders upload at most 1024 px on the longer side, thumbnails are 128 px. An image is
     * subsampled only from 2048 px on its shorter side (a 7000x7000 upload decodes at 1750x1750,
     * a 4000x3000 photo at 2000x1500), which bounds a normally shaped raster to a few megapixels.
     */
    public static final int DEFAULT_MIN_DECODED_SIDE = 1024;

    public DecodeLimits {
        if (maxBytes <= 0 || maxPixels <= 0 || minDecodedSide <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxBytes + ", " + maxPixels + ", "
                    + minDecodedSide);
        }
    }

    /** Subsampling down to {@link #DEFAULT_MIN_DECODED_SIDE}. */
    public DecodeLimits(long maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, DEFAULT_MIN_DECODED_SIDE);
    }

    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }

    /** The same limits with another {@link #minDecodedSide()}; {@link Integer#MAX_VALUE} decodes every pixel. */
    public DecodeLimits withMinDecodedSide(int side) {
        return new DecodeLimits(maxBytes, maxPixels, side);
    }

    /**
     * The source subsampling period per axis for an image of this size: the largest power of two
     * that keeps the shorter side at or above {@link #minDecodedSide()}, 1 (every pixel) for an
     * image less than twice that. So the decoded shorter side is under twice the minimum, and a
     * power of two keeps the halving chains of the ONNX preprocessor and the hosted upload on the
     * sizes they reach from the full image (a period of 3 from 6000 px would start them at 2000).
     */
    public int subsampling(long width, long height) {
        long ratio = Math.min(width, height) / minDecodedSide;
        return ratio < 2 ? 1 : (int) Long.highestOneBit(ratio);
    }
}
