package dev.lookalike.embedding.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** Helpers around raw image bytes that both the fetch path and the inline path need. */
public final class ImageLoader {

    private ImageLoader() {
    }

    /** Content hash used to deduplicate identical uploads before any decoding. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Decodes inline image bytes given as plain base64 or as a {@code data:...;base64,} URL
     * (the form hosted embedding APIs accept).
     */
    public static byte[] decodeInline(String base64OrDataUrl) {
        if (base64OrDataUrl == null || base64OrDataUrl.isBlank()) {
            throw new ImageLoadException(ImageErrorCode.EMPTY_IMAGE, "no inline image data");
        }
        String payload = base64OrDataUrl.strip();
        if (payload.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = payload.indexOf(',');
            if (comma < 0 || !payload.substring(0, comma).toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
                throw new ImageLoadException(ImageErrorCode.BAD_URL, "data URL is not base64-encoded");
            }
            payload = payload.substring(comma + 1);
        }
        try {
            // Line breaks are common in pasted base64; anything else outside the alphabet is an error.
            String compact = payload.replaceAll("\\s+", "");
            byte[] bytes = Base64.getDecoder().decode(compact.getBytes(StandardCharsets.US_ASCII));
            if (bytes.length == 0) {
                throw new ImageLoadException(ImageErrorCode.EMPTY_IMAGE, "inline image data is empty");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE, "invalid base64 image data", e);
        }
    }
}
