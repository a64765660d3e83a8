package dev.lookalike.embedding.hosted;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSON-answering requests to one hosted provider with timeouts, bounded retries
 * (exponential backoff with jitter on 429, 5xx, network errors and timeouts, honouring
 * {@code Retry-After} capped by {@link RetryPolicy#maxDelay()}), an overall deadline, and a
 * {@link CircuitBreaker}. Every failure is a {@link ProviderException}.
 *
 * <p>Requests carry their API key in a header set by the caller; nothing here logs headers or
 * bodies, and redirects are not followed (a redirect would carry a custom key header to
 * wherever it points). OkHttp's own silent retry is off so {@link RetryPolicy} is the only one.
 * Thread-safe; close it to release the connection pool.
 */
public final class HostedClient implements AutoCloseable {

    /** Shared, thread-safe once configured. */
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = LoggerFactory.getLogger(HostedClient.class);
    private static final String USER_AGENT = "Lookalike-HostedEmbedder/1";
    private static final long MAX_ERROR_BYTES = 64 * 1024;

    /** A successful (2xx) answer: its status and parsed JSON body. */
    public record Reply(int status, JsonNode body) {
    }

    private final String provider;
    private final HostedClientConfig config;
    private final OkHttpClient http;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public HostedClient(String provider, HostedClientConfig config) {
        this(provider, config, Clock.systemUTC(), Sleeper.SYSTEM, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param clock   drives the deadline, {@code Retry-After} dates and the circuit breaker
     * @param sleeper waits between attempts
     * @param random  uniform draws in [0, 1) for backoff jitter
     */
    public HostedClient(String provider, HostedClientConfig config, Clock clock, Sleeper sleeper,
                        DoubleSupplier random) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.breaker = new CircuitBreaker(config.circuitBreaker(), clock);
        this.http = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout())
                .callTimeout(config.callTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    public String provider() {
        return provider;
    }

    public HostedClientConfig config() {
        return config;
    }

    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /**
     * Parses a configured endpoint, which must be an absolute http(s) URL. Plain http is allowed
     * (local mocks, sidecars) but warned about off loopback, since the key would travel in clear.
     */
    public static HttpUrl endpoint(String provider, String endpoint) {
        HttpUrl url = endpoint == null ? null : HttpUrl.parse(endpoint.strip());
        if (url == null) {
            throw new IllegalArgumentException(provider + ": endpoint must be an absolute http(s) URL");
        }
        if (!url.isHttps() && !isLoopback(url.host())) {
            LOG.warn("{}: endpoint {} is plain http; the API key will be sent unencrypted", provider,
                    url.newBuilder().query(null).build());
        }
        return url;
    }

    /**
     * Sends {@code request} (its body must be replayable, e.g. built from bytes), retrying per the
     * policy, and returns the 2xx answer's JSON.
     *
     * @throws ProviderException on any failure, after the retries the policy allows
     */
    public Reply send(Request request) {
        Request prepared = request.newBuilder().header("User-Agent", USER_AGENT)
                .header("Accept", "application/json").build();
        RetryPolicy retry = config.retry();
        Instant deadline = clock.instant().plus(retry.deadline());
        ProviderException last = null;
        for (int attempt = 1; ; attempt++) {
            if (!breaker.tryAcquire()) {
                throw circuitOpen(last);
            }
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                breaker.onAbandoned();
                throw deadlineExceeded(retry.deadline(), last);
            }
            try {
                Reply reply = attempt(prepared, min(config.callTimeout(), remaining));
                breaker.onSuccess();
                return reply;
            } catch (ProviderException e) {
                if (e.code().indicatesOutage()) {
                    breaker.onFailure();
                } else {
                    breaker.onSuccess(); // it answered: up, even if it disliked the request
                }
                last = e;
            } catch (RuntimeException | Error e) {
                breaker.onAbandoned();
                throw e;
            }
            if (!last.retriable() || attempt >= retry.maxAttempts()) {
                throw last;
            }
            int retryNumber = attempt;
            Duration wait = last.retryAfter().map(retry::cap)
                    .orElseGet(() -> retry.backoff(retryNumber, random.getAsDouble()));
            if (clock.instant().plus(wait).isAfter(deadline)) {
                LOG.warn("{}: attempt {} failed ({}); a retry in {} ms would pass the {} ms deadline, giving up",
                        provider, attempt, last.code(), wait.toMillis(), retry.deadline().toMillis());
                throw last;
            }
            LOG.warn("{}: attempt {}/{} failed ({}, HTTP {}); retrying in {} ms", provider, attempt,
                    retry.maxAttempts(), last.code(), last.httpStatus(), wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last.addSuppressed(e);
                throw last;
            }
        }
    }

    private Reply attempt(Request request, Duration timeout) {
        Call call = http.newCall(request);
        call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        try (Response response = call.execute()) {
            int status = response.code();
            if (status >= 200 && status < 300) {
                byte[] body = readLimited(response.body(), config.maxResponseBytes(), status);
                return new Reply(status, parse(body, status));
            }
            throw httpFailure(response, readErrorBody(response.body()));
        } catch (IOException e) {
            throw ioFailure(e, call, timeout);
        }
    }

    private byte[] readLimited(ResponseBody body, long limit, int status) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body.contentLength() > limit) {
            throw ProviderException.badResponse(provider, status,
                    "answer of " + body.contentLength() + " bytes exceeds the " + limit + "-byte limit");
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (source.read(buffer, 64 * 1024) != -1) {
            if (buffer.size() > limit) {
                throw ProviderException.badResponse(provider, status, "answer exceeds the " + limit + "-byte limit");
            }
        }
        return buffer.readByteArray();
    }

    /** Best effort: an error answer whose body cannot be read is still an error answer. */
    private static byte[] readErrorBody(ResponseBody body) {
        if (body == null) {
            return new byte[0];
        }
        try {
            BufferedSource source = body.source();
            source.request(MAX_ERROR_BYTES);
            Buffer buffer = source.getBuffer();
            return buffer.readByteArray(Math.min(buffer.size(), MAX_ERROR_BYTES));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private JsonNode parse(byte[] body, int status) {
        if (body.length == 0) {
            throw ProviderException.badResponse(provider, status, "empty body");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ProviderException.badResponse(provider, status, "empty body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ProviderException.badResponse(provider, status, "body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProviderException.badResponse(provider, status, "body is not JSON: " + e.getMessage());
        }
    }

    private ProviderException httpFailure(Response response, byte[] body) {
        int status = response.code();
        ProviderErrors.ErrorInfo info = ProviderErrors.parse(body, response.header("x-ms-error-code"));
        ProviderErrorCode code = classify(status);
        Duration retryAfter = RetryAfter.from(response.headers(), clock).orElse(null);
        StringBuilder message = new StringBuilder(provider).append(": HTTP ").append(status).append(' ')
                .append(describe(code));
        if (info.message() != null) {
            message.append(": ").append(info.message());
        }
        if (info.code() != null) {
            message.append(" [").append(info.code()).append(']');
        }
        return new ProviderException(provider, status, code, message.toString(), info.code(), info.message(),
                retryAfter, null);
    }

    static ProviderErrorCode classify(int status) {
        if (status == 401 || status == 403) {
            return ProviderErrorCode.PROVIDER_AUTH_FAILED;
        }
        if (status == 408 || status == 504) {
            return ProviderErrorCode.PROVIDER_TIMEOUT;
        }
        if (status == 429) {
            return ProviderErrorCode.PROVIDER_RATE_LIMITED;
        }
        if (status >= 500 && status < 600) {
            return ProviderErrorCode.PROVIDER_UNAVAILABLE;
        }
        if (status >= 400 && status < 500) {
            return ProviderErrorCode.PROVIDER_REJECTED_INPUT;
        }
        return ProviderErrorCode.PROVIDER_BAD_RESPONSE; // 1xx/3xx: redirects are deliberately not followed
    }

    private static String describe(ProviderErrorCode code) {
        return switch (code) {
            case PROVIDER_AUTH_FAILED -> "authentication failed (check the API key and endpoint)";
            case PROVIDER_TIMEOUT -> "timed out";
            case PROVIDER_RATE_LIMITED -> "rate limited";
            case PROVIDER_UNAVAILABLE -> "unavailable";
            case PROVIDER_REJECTED_INPUT -> "rejected the request";
            default -> "unexpected answer";
        };
    }

    private ProviderException ioFailure(IOException e, Call call, Duration timeout) {
        // The call timeout cancels the call; depending on timing that surfaces as "timeout" or "Canceled".
        if (e instanceof InterruptedIOException || call.isCanceled()) {
            return ProviderException.of(provider, ProviderErrorCode.PROVIDER_TIMEOUT,
                    provider + ": no complete answer within the timeout (attempt bound " + timeout.toMillis()
                            + " ms): " + e, e);
        }
        return ProviderException.of(provider, ProviderErrorCode.PROVIDER_UNAVAILABLE,
                provider + ": request failed: " + e, e);
    }

    private ProviderException circuitOpen(ProviderException last) {
        Duration remaining = breaker.remainingOpen();
        String message = provider + ": circuit open after repeated failures; not calling the provider for another "
                + remaining.toMillis() + " ms";
        return new ProviderException(provider, 0, ProviderErrorCode.CIRCUIT_OPEN, message, null,
                last == null ? null : last.providerMessage(), remaining.isZero() ? null : remaining, last);
    }

    private ProviderException deadlineExceeded(Duration deadline, ProviderException last) {
        return new ProviderException(provider, last == null ? 0 : last.httpStatus(),
                ProviderErrorCode.PROVIDER_TIMEOUT, provider + ": overall deadline of " + deadline.toMillis()
                        + " ms exceeded", null, last == null ? null : last.providerMessage(), null, last);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Literal loopback only: never resolve a host name just to decide whether to warn. */
    private static boolean isLoopback(String host) {
        return "localhost".equalsIgnoreCase(host) || host.startsWith("127.") || "::1".equals(host);
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
