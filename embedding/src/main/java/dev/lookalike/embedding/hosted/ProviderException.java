package dev.lookalike.embedding.hosted;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A hosted embedding call failed. Unchecked, like {@code ImageLoadException}: stream processors
 * and HTTP handlers map it to a retry, a dead letter or a status code rather than recover locally.
 * The message never contains an API key; {@link #providerMessage()} is the provider's own
 * explanation (from its error body), when it sent one.
 */
public class ProviderException extends RuntimeException {

    private final String provider;
    private final int httpStatus;
    private final ProviderErrorCode code;
    private final String providerCode;
    private final String providerMessage;
    private final Duration retryAfter;

    public ProviderException(String provider, int httpStatus, ProviderErrorCode code, String message,
                             String providerCode, String providerMessage, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.provider = Objects.requireNonNull(provider, "provider");
        this.httpStatus = httpStatus;
        this.code = Objects.requireNonNull(code, "code");
        this.providerCode = providerCode;
        this.providerMessage = providerMessage;
        this.retryAfter = retryAfter;
    }

    /** A failure with no HTTP answer behind it (network, timeout, circuit open). */
    public static ProviderException of(String provider, ProviderErrorCode code, String message, Throwable cause) {
        return new ProviderException(provider, 0, code, message, null, null, null, cause);
    }

    /** The provider answered 2xx with something that is not a usable embedding. */
    public static ProviderException badResponse(String provider, int httpStatus, String message) {
        return new ProviderException(provider, httpStatus, ProviderErrorCode.PROVIDER_BAD_RESPONSE,
                provider + ": bad response: " + message, null, null, null, null);
    }

    /** Provider name as configured on the client, e.g. {@code "azure-vision"}. */
    public String provider() {
        return provider;
    }

    /** The HTTP status of the provider's answer, or 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    public ProviderErrorCode code() {
        return code;
    }

    /** Whether trying again later may succeed: 429, 5xx, network, timeouts and an open circuit. */
    public boolean retriable() {
        return code.retriable();
    }

    /** The provider's own error code (e.g. Azure's {@code InvalidRequest}), or null. */
    public String providerCode() {
        return providerCode;
    }

    /** The provider's own error message, or null when it sent none. */
    public String providerMessage() {
        return providerMessage;
    }

    /** How long the provider (429/503 {@code Retry-After}) or the open circuit asks callers to wait. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
