package dev.lookalike.embedding.hosted;

import java.time.Duration;

/** Waits between retries; tests inject one that advances a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
