package dev.lookalike.embedding.hosted;

import java.util.Locale;

/**
 * How a decoded image is re-encoded for upload. Hosted models resize to a few hundred pixels
 * anyway, so sending the full raster only costs bandwidth and risks provider size limits
 * (Azure Vision: 20 MB; Cohere on Foundry: 5 MB); images are shrunk to {@code maxEdge} first.
 * The encoding is deterministic, so the same image always yields the same upload.
 *
 * @param format      {@code "jpeg"} (alpha flattened onto white) or {@code "png"} (lossless)
 * @param maxEdge     longest side after downscaling (never upscaled)
 * @param jpegQuality 0..1, used for JPEG only
 */
public record UploadFormat(String format, int maxEdge, float jpegQuality) {

    public UploadFormat {
        format = format == null ? "" : format.toLowerCase(Locale.ROOT);
        if (!format.equals("jpeg") && !format.equals("png")) {
            throw new IllegalArgumentException("format must be jpeg or png");
        }
        if (maxEdge < 16) {
            throw new IllegalArgumentException("maxEdge must be >= 16");
        }
        if (!(jpegQuality > 0f && jpegQuality <= 1f)) {
            throw new IllegalArgumentException("jpegQuality must be in (0, 1]");
        }
    }

    /** JPEG at quality 0.92, longest side at most 1024 px. */
    public static UploadFormat defaults() {
        return new UploadFormat("jpeg", 1024, 0.92f);
    }

    public static UploadFormat png(int maxEdge) {
        return new UploadFormat("png", maxEdge, 0.92f);
    }

    public String mediaType() {
        return "image/" + format;
    }
}
