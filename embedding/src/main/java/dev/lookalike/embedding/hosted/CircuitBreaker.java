package dev.lookalike.embedding.hosted;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A plain consecutive-failure circuit breaker, so a provider that stays down fails fast instead
 * of holding every stream thread through its full retry budget.
 * <ul>
 *   <li>CLOSED: calls pass; {@code failureThreshold} consecutive failures open it.</li>
 *   <li>OPEN: calls are refused until {@code openDuration} has passed on the clock.</li>
 *   <li>HALF_OPEN: one trial call passes (others are refused); its success closes the circuit,
 *       its failure opens it again for another {@code openDuration}.</li>
 * </ul>
 * Every {@link #tryAcquire()} that returns true must be followed by exactly one of
 * {@link #onSuccess()}, {@link #onFailure()} or {@link #onAbandoned()}. Thread-safe; time comes only
 * from the injected {@link Clock}, so tests drive it deterministically.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final CircuitBreakerConfig config;
    private final Clock clock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt;
    private boolean trialInFlight;

    public CircuitBreaker(CircuitBreakerConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The current state, moving OPEN to HALF_OPEN first when the open duration has passed. */
    public synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(config.openDuration()))) {
            state = State.HALF_OPEN;
            trialInFlight = false;
        }
        return state;
    }

    /** Whether a call may go to the provider now; in HALF_OPEN only the single trial call may. */
    public synchronized boolean tryAcquire() {
        switch (state()) {
            case CLOSED:
                return true;
            case HALF_OPEN:
                if (trialInFlight) {
                    return false;
                }
                trialInFlight = true;
                return true;
            default:
                return false;
        }
    }

    /** The provider answered (even with a 4xx: it is up). Closes the circuit. */
    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
    }

    /** The provider was unavailable, too slow, or rate limiting. */
    public synchronized void onFailure() {
        if (state == State.HALF_OPEN) {
            open();
            return;
        }
        consecutiveFailures++;
        if (state == State.CLOSED && consecutiveFailures >= config.failureThreshold()) {
            open();
        }
    }

    /** The permitted call ended without telling anything about the provider (e.g. interrupted). */
    public synchronized void onAbandoned() {
        trialInFlight = false;
    }

    /** Time left before an open circuit lets a trial call through; zero unless OPEN. */
    public synchronized Duration remainingOpen() {
        if (state() != State.OPEN) {
            return Duration.ZERO;
        }
        return Duration.between(clock.instant(), openedAt.plus(config.openDuration()));
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.instant();
        trialInFlight = false;
        consecutiveFailures = 0;
    }
}
