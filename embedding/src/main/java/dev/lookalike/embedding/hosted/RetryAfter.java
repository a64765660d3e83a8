package dev.lookalike.embedding.hosted;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import okhttp3.Headers;

/**
 * Reads how long a provider asks us to wait. Azure (and OpenAI-compatible gateways) send
 * {@code retry-after-ms} / {@code x-ms-retry-after-ms} next to the standard {@code Retry-After},
 * which is either delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The requested wait from the response headers, most precise first; empty when absent or unreadable. */
    public static Optional<Duration> from(Headers headers, Clock clock) {
        for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            Optional<Duration> millis = parseNumber(headers.get(name), 1_000_000L);
            if (millis.isPresent()) {
                return millis;
            }
        }
        return parse(headers.get("Retry-After"), clock);
    }

    /** Parses a {@code Retry-After} value: delay-seconds (decimals tolerated) or an HTTP-date; past dates give zero. */
    public static Optional<Duration> parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = parseNumber(value, 1_000_000_000L);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            Instant when = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), when);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> parseNumber(String value, long nanosPerUnit) {
        if (value == null) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.length() > 30 || !trimmed.matches("\\d+(\\.\\d+)?")) {
            return Optional.empty();
        }
        BigDecimal nanos = new BigDecimal(trimmed).multiply(BigDecimal.valueOf(nanosPerUnit));
        // Absurdly long waits are capped by RetryPolicy.maxDelay anyway; just do not overflow.
        return Optional.of(Duration.ofNanos(nanos.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue()));
    }
}
