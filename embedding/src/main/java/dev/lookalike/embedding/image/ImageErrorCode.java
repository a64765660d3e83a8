package dev.lookalike.embedding.image;

/**
 * Why an image could not be loaded. {@link #retriableByDefault()} says whether trying the same
 * input again later can help: network trouble can pass, bad content and refused URLs cannot.
 */
public enum ImageErrorCode {
    EMPTY_IMAGE(false),
    UNSUPPORTED_FORMAT(false),
    UNDECODABLE_IMAGE(false),
    /** More bytes than allowed, whether inline or downloaded. */
    IMAGE_TOO_LARGE(false),
    /** Header dimensions exceed the pixel limit (decompression-bomb guard). */
    TOO_MANY_PIXELS(false),
    /**
     * Too many images are being decoded at once for the memory set aside for decoding; the image
     * itself may be fine, so trying again shortly can help.
     */
    DECODER_BUSY(true),
    FETCH_FAILED(true),
    FETCH_TIMEOUT(true),
    /** Non-2xx answer; retriable only for 408, 429 and 5xx (decided per status). */
    HTTP_ERROR(false),
    FORBIDDEN_URL(false),
    TOO_MANY_REDIRECTS(false),
    BAD_URL(false);

    private final boolean retriableByDefault;

    ImageErrorCode(boolean retriableByDefault) {
        this.retriableByDefault = retriableByDefault;
    }

    public boolean retriableByDefault() {
        return retriableByDefault;
    }
}
