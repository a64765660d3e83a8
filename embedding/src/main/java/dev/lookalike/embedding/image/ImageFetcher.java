package dev.lookalike.embedding.image;

import dev.lookalike.embedding.hosted.RetryAfter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.Dns;
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
 * Downloads images over http(s) with SSRF protection ({@link UrlGuard}), timeouts, a streamed
 * size limit, manually followed redirects (each hop re-checked) and bounded retries of failures
 * that may pass. Thread-safe; share one instance, and close it to release the connection pool.
 */
public final class ImageFetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);
    private static final String USER_AGENT = "Lookalike-ImageFetcher/1";

    private final FetcherConfig config;
    private final UrlGuard guard;
    private final OkHttpClient client;

    public ImageFetcher(FetcherConfig config) {
        this(config, Dns.SYSTEM);
    }

    /** With a custom resolver (e.g. DNS-over-HTTPS); its answers are vetted like the system's. */
    public ImageFetcher(FetcherConfig config, Dns resolver) {
        this.config = config;
        this.guard = UrlGuard.of(config);
        this.client = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .proxy(Proxy.NO_PROXY) // a proxy would resolve host names itself, past the guard
                .dns(new GuardedDns(resolver, guard))
                .build();
    }

    public FetcherConfig config() {
        return config;
    }

    /**
     * Downloads {@code url}, following redirects and retrying failures that may pass (connection
     * reset or refused, timeouts, HTTP 408, 429 and 5xx) up to {@link FetcherConfig#retries()} times
     * with doubling backoff; a {@code Retry-After} is honoured when it is within
     * {@link FetcherConfig#maxRetryBackoff()}. Everything, waits included, stays within
     * {@link FetcherConfig#totalTimeout()}: a retry that could not start before it is not made.
     * Refused URLs, other 4xx, oversized or undecodable content are never retried.
     */
    public FetchedContent fetch(String url) {
        return fetch(url, System.nanoTime() + config.totalTimeout().toNanos());
    }

    /**
     * As {@link #fetch(String)}, but done by {@code deadlineNanos} ({@link System#nanoTime()}) if that
     * comes before the total timeout: several fetches for one request share its deadline.
     */
    public FetchedContent fetch(String url, long deadlineNanos) {
        HttpUrl start = guard.check(url);
        HttpUrl current = start;
        long own = System.nanoTime() + config.totalTimeout().toNanos();
        long deadline = deadlineNanos - own < 0 ? deadlineNanos : own;
        int redirects = 0;
        int failures = 0;
        while (true) {
            Hop hop;
            try {
                hop = fetchOnce(current, deadline);
            } catch (ImageLoadException e) {
                failures++;
                Duration wait = retryWait(e, failures, deadline);
                if (wait == null) {
                    throw failures > 1 ? e.afterAttempts(failures) : e;
                }
                LOG.info("fetching {} failed ({}, attempt {}/{}); retrying in {} ms", UrlGuard.forMessages(current),
                        e.httpStatus() > 0 ? "HTTP " + e.httpStatus() : e.code(), failures, config.retries() + 1,
                        wait.toMillis());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e.afterAttempts(failures);
                }
                continue; // the same hop again: the redirects before it were fine
            }
            if (hop.content() != null) {
                return hop.content();
            }
            if (redirects >= config.maxRedirects()) {
                throw new ImageLoadException(ImageErrorCode.TOO_MANY_REDIRECTS,
                        "more than " + config.maxRedirects() + " redirects starting at " + UrlGuard.forMessages(start));
            }
            redirects++;
            current = hop.redirect();
        }
    }

    /** How long to wait before retrying after failure number {@code failures}; null: do not retry. */
    private Duration retryWait(ImageLoadException e, int failures, long deadline) {
        boolean transientKind = e.code() == ImageErrorCode.FETCH_FAILED || e.code() == ImageErrorCode.FETCH_TIMEOUT
                || e.code() == ImageErrorCode.HTTP_ERROR;
        if (!e.retriable() || !transientKind || failures > config.retries()) {
            return null;
        }
        Duration wait = e.retryAfter().orElseGet(() -> config.backoff(failures));
        if (wait.compareTo(config.maxRetryBackoff()) > 0) {
            return null; // the server asks for a longer pause than we may hold the record for
        }
        // The retry must start with time left to do something; a wait reaching the deadline is pointless.
        return System.nanoTime() + wait.toNanos() < deadline ? wait : null;
    }

    /** One request: either the content or the (already guarded) next URL. */
    private record Hop(FetchedContent content, HttpUrl redirect) {
    }

    private Hop fetchOnce(HttpUrl url, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timeout(url, null);
        }
        Request request = new Request.Builder().url(url).header("User-Agent", USER_AGENT)
                .header("Accept", "image/*").get().build();
        Call call = client.newCall(request);
        call.timeout().timeout(remaining, TimeUnit.NANOSECONDS); // what is left of the total budget
        try (Response response = call.execute()) {
            if (response.isRedirect()) {
                return new Hop(null, redirectTarget(url, response));
            }
            if (!response.isSuccessful()) {
                throw ImageLoadException.httpError(response.code(), UrlGuard.forMessages(url),
                        RetryAfter.from(response.headers(), Clock.systemUTC()).orElse(null));
            }
            String contentType = response.header("Content-Type");
            return new Hop(new FetchedContent(url.toString(), contentType, readBody(response.body(), url)), null);
        } catch (IOException e) {
            throw translate(e, call, url);
        }
    }

    private HttpUrl redirectTarget(HttpUrl from, Response response) {
        String location = response.header("Location");
        if (location == null || location.isBlank()) {
            throw new ImageLoadException(ImageErrorCode.HTTP_ERROR,
                    "HTTP " + response.code() + " without Location from " + UrlGuard.forMessages(from));
        }
        HttpUrl target = from.resolve(location);
        if (target == null) {
            // resolve() yields null for non-http(s) targets too; let the guard name the problem.
            return guard.check(location);
        }
        guard.check(target);
        return target;
    }

    /** Streams at most maxBytes; Content-Length only serves to refuse early, never to trust. */
    private byte[] readBody(ResponseBody body, HttpUrl url) throws IOException {
        long limit = config.maxBytes();
        if (body.contentLength() > limit) {
            throw tooLarge(url, "declares " + body.contentLength() + " bytes");
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (source.read(buffer, 64 * 1024) != -1) {
            if (buffer.size() > limit) {
                throw tooLarge(url, "sent more than " + limit + " bytes");
            }
        }
        return buffer.readByteArray();
    }

    private ImageLoadException tooLarge(HttpUrl url, String detail) {
        return new ImageLoadException(ImageErrorCode.IMAGE_TOO_LARGE,
                UrlGuard.forMessages(url) + " " + detail + ", limit is " + config.maxBytes());
    }

    private static ImageLoadException translate(IOException e, Call call, HttpUrl url) {
        ForbiddenAddressException forbidden = findForbidden(e);
        if (forbidden != null) {
            return new ImageLoadException(ImageErrorCode.FORBIDDEN_URL, forbidden.getMessage(), e);
        }
        // The call timeout cancels the call; depending on timing that surfaces as "timeout" or "Canceled".
        if (e instanceof InterruptedIOException || call.isCanceled()) {
            return timeout(url, e);
        }
        boolean retriable = !(e instanceof SSLException); // a bad certificate will not fix itself
        // Only the exception's kind: okhttp's messages name the address connected to ("Failed to connect
        // to /10.0.0.7:80"), and this message reaches the caller, the dead letter and the image's status,
        // so an allow-listed internal host would give its place in the network away. The log has it all.
        LOG.debug("fetching {} failed", UrlGuard.forMessages(url), e);
        return new ImageLoadException(ImageErrorCode.FETCH_FAILED,
                "fetching " + UrlGuard.forMessages(url) + " failed: " + e.getClass().getSimpleName(), retriable, e);
    }

    private static ImageLoadException timeout(HttpUrl url, IOException cause) {
        return new ImageLoadException(ImageErrorCode.FETCH_TIMEOUT, "fetching " + UrlGuard.forMessages(url) + " timed out", cause);
    }

    private static ForbiddenAddressException findForbidden(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ForbiddenAddressException forbidden) {
                return forbidden;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof ForbiddenAddressException forbidden) {
                    return forbidden;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
