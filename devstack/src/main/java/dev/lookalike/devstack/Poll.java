package dev.lookalike.devstack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes. Used to wait for servers that offer
 * no readiness callback; the short interval only paces the polling, it is not a guess at how
 * long anything takes.
 */
final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    /** @return true if the condition held before the timeout */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() - deadline >= 0) return false;
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
