package dev.lookalike.registry;

/**
 * A failed registry call: the HTTP status and the Confluent error code from the response body,
 * or {@link #NO_RESPONSE} for both when the registry could not be reached at all.
 */
public class SchemaRegistryException extends RuntimeException {
    /** Status and error code of a call that got no HTTP response (connection refused, timeout). */
    public static final int NO_RESPONSE = 0;
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40403), or the HTTP status if the body had none. */
    public int errorCode() {
        return errorCode;
    }

    public boolean isNotFound() {
        return httpStatus == 404;
    }

    /**
     * A 404 without a Confluent error code (40401, 40403, ...): not an unknown subject or schema
     * but a path the server does not serve, i.e. a base URL that is not a registry's
     * Confluent-compatible API (Apicurio answers on /apis/ccompat/v7, not on its root).
     */
    public boolean isUnknownPath() {
        return httpStatus == 404 && errorCode / 100 != 404;
    }

    /** True when the same call may succeed later: no response, a timeout, throttling or a 5xx. */
    public boolean isRetriable() {
        return httpStatus == NO_RESPONSE || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    }

    @Override
    public String getMessage() {
        String detail = httpStatus == NO_RESPONSE ? "no response" : "HTTP " + httpStatus + ", error " + errorCode;
        return super.getMessage() + " (" + detail + ")";
    }
}
