package dev.lookalike.embedding.image;

import java.time.Duration;
import java.util.Optional;

/**
 * An image could not be fetched or decoded. Unchecked because callers (stream processors,
 * HTTP handlers) map it to a dead letter or an HTTP status rather than recover locally.
 */
public class ImageLoadException extends RuntimeException {

    private final ImageErrorCode code;
    private final boolean retriable;
    private final int httpStatus;
    private final Duration retryAfter;

    public ImageLoadException(ImageErrorCode code, String message) {
        this(code, message, code.retriableByDefault(), 0, null);
    }

    public ImageLoadException(ImageErrorCode code, String message, Throwable cause) {
        this(code, message, code.retriableByDefault(), 0, cause);
    }

    /** For the rare case where the code's default retry advice is wrong (e.g. a TLS certificate error). */
    public ImageLoadException(ImageErrorCode code, String message, boolean retriable, Throwable cause) {
        this(code, message, retriable, 0, cause);
    }

    private ImageLoadException(ImageErrorCode code, String message, boolean retriable, int httpStatus,
                               Throwable cause) {
        this(code, message, retriable, httpStatus, null, cause);
    }

    private ImageLoadException(ImageErrorCode code, String message, boolean retriable, int httpStatus,
                               Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retriable = retriable;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /** A non-success HTTP answer; 408, 429 and 5xx are worth retrying, other 4xx are not. */
    public static ImageLoadException httpError(int status, String url) {
        return httpError(status, url, null);
    }

    /** As {@link #httpError(int, String)}, with the wait the server asked for (Retry-After), if any. */
    public static ImageLoadException httpError(int status, String url, Duration retryAfter) {
        boolean retriable = status == 408 || status == 429 || status >= 500;
        return new ImageLoadException(ImageErrorCode.HTTP_ERROR, "HTTP " + status + " from " + url, retriable,
                status, retryAfter, null);
    }

    /** The same failure, its message saying how many attempts were made. */
    ImageLoadException afterAttempts(int attempts) {
        ImageLoadException e = new ImageLoadException(code, getMessage() + " (" + attempts + " attempts)", retriable,
                httpStatus, retryAfter, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    public ImageErrorCode code() {
        return code;
    }

    public boolean retriable() {
        return retriable;
    }

    /** The HTTP status for {@link ImageErrorCode#HTTP_ERROR}, else 0. */
    public int httpStatus() {
        return httpStatus;
    }

    /** How long the server asked us to wait before trying again (Retry-After), when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
