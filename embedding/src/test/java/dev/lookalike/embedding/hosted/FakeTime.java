package dev.lookalike.embedding.hosted;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A manual clock that is also the retry sleeper: "sleeping" records the wait and moves time on. */
final class FakeTime extends Clock implements Sleeper {

    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    private Instant now = START;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public synchronized Instant instant() {
        return now;
    }

    synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
