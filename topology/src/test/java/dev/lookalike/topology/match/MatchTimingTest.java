package dev.lookalike.topology.match;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lookalike.topology.match.MatchTiming.Phase;
import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MatchTimingTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong clock = new AtomicLong();
  private final MatchTiming timing = new MatchTiming("perceptual", new TopologyMetrics(meters), clock::get);

  @Test
  void eachPhaseThatRanIsRecordedOnceWithTheTimeSinceTheLastLap() {
    timing.start();
    advanceMs(1);
    timing.lap(Phase.STORE);
    advanceMs(2);
    timing.lap(Phase.SEARCH);
    advanceMs(3);
    timing.lap(Phase.SEARCH); // a phase lapped twice adds up

    assertThat(timing.finish("img-1")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(6));
    assertThat(timer("store").count()).isEqualTo(1);
    assertThat(timer("store").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1.0);
    assertThat(timer("search").count()).isEqualTo(1);
    assertThat(timer("search").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
    assertThat(timer("lists").count()).as("never ran: nothing recorded").isZero();
  }

  @Test
  void aMatchOverTheSlowLimitIsLoggedWithItsPhasesAndListCounts() {
    String line = logged(t -> {
      t.start();
      advanceMs(MatchTiming.SLOW_MS - 10);
      t.lap(Phase.STORE);
      advanceMs(10);
      t.lap(Phase.LISTS);
      t.countLists(7, 2);
      t.finish("img-9");
    });

    assertThat(meters.find(TopologyMetrics.MATCH_LISTS).tag("outcome", "read").counter().count()).isEqualTo(7);
    assertThat(meters.find(TopologyMetrics.MATCH_LISTS).tag("outcome", "changed").counter().count()).isEqualTo(2);
    assertThat(line).isEqualTo("slow match: vector perceptual, image img-9, 100.0 ms: check 0.0 store 90.0 search 0.0 lists 10.0 own 0.0"
        + " (7 lists read, 2 changed)");
  }

  @Test
  void aFastMatchIsNotLoggedAndTheNextMatchStartsFromZero() {
    String line = logged(t -> {
      t.start();
      advanceMs(MatchTiming.SLOW_MS - 1);
      t.lap(Phase.STORE);
      t.countLists(3, 3);
      t.finish("fast");
      t.start();
      advanceMs(MatchTiming.SLOW_MS);
      t.lap(Phase.OWN);
      t.finish("slow");
    });

    assertThat(line).startsWith("slow match: vector perceptual, image slow, 100.0 ms: check 0.0 store 0.0").endsWith("(0 lists read, 0 changed)");
  }

  private void advanceMs(long ms) {
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  private Timer timer(String phase) {
    return meters.find(TopologyMetrics.MATCH).tags("vector", "perceptual", "phase", phase).timer();
  }

  /** The one line {@code run} logs (fails on none or more). */
  private String logged(Consumer<MatchTiming> run) {
    Logger logger = (Logger) LoggerFactory.getLogger(MatchTiming.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      run.accept(timing);
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).hasSize(1);
    return lines.list.get(0).getFormattedMessage();
  }
}
