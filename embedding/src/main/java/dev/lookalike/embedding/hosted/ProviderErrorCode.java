package dev.lookalike.embedding.hosted;

/**
 * Why a hosted embedding call failed. {@link #retriable()} says whether the same request may
 * succeed later: an unavailable, slow or rate-limiting provider can recover, a rejected key or
 * input cannot.
 */
public enum ProviderErrorCode {
    /** 5xx (other than 504) or a network failure: the provider could not be reached or failed. */
    PROVIDER_UNAVAILABLE(true),
    /** 429: over quota or rate; {@link ProviderException#retryAfter()} carries the provider's hint. */
    PROVIDER_RATE_LIMITED(true),
    /** 401 or 403: the key is missing, wrong, or lacks access to this resource or model. */
    PROVIDER_AUTH_FAILED(false),
    /** Other 4xx (400, 404, 413, 415, 422...): the provider refused this request or input. */
    PROVIDER_REJECTED_INPUT(false),
    /** A 2xx (or unexpected 3xx) whose body is not the documented shape, or a vector of the wrong size. */
    PROVIDER_BAD_RESPONSE(false),
    /** The circuit breaker is open: the provider failed repeatedly and is not being called for now. */
    CIRCUIT_OPEN(true),
    /** Connect/read/call timeout, 408, 504, or the overall retry deadline ran out. */
    PROVIDER_TIMEOUT(true);

    private final boolean retriable;

    ProviderErrorCode(boolean retriable) {
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }

    /** Whether the outcome says the provider is unhealthy, so the circuit breaker counts it. */
    boolean indicatesOutage() {
        return this == PROVIDER_UNAVAILABLE || this == PROVIDER_TIMEOUT || this == PROVIDER_RATE_LIMITED;
    }
}
