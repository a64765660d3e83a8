package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.topology.deadletter.ErrorCodes;
import dev.lookalike.topology.embed.ContentResultProcessor;
import dev.lookalike.topology.metrics.LogContext;
import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The topology's meters and log context, on the production topology in a TopologyTestDriver. */
class TopologyMetricsTest {

  @TempDir Path stateDir;
  private DriverHarness harness;
  private final List<String> contextSeenByEmbedder = new ArrayList<>();

  @BeforeEach
  void start() {
    Embedder perceptual = new PerceptualEmbedder();
    Embedder recording = new Embedder() {
      @Override public String name() { return perceptual.name(); }
      @Override public String modelId() { return perceptual.modelId(); }
      @Override public int dimensions() { return perceptual.dimensions(); }
      @Override public float[] embed(DecodedImage image) {
        contextSeenByEmbedder.add(MDC.get(LogContext.IMAGE_ID) + "/" + MDC.get(LogContext.TENANT));
        return perceptual.embed(image);
      }
    };
    harness = new DriverHarness(stateDir, recording, Map.of(), url -> {
      throw new AssertionError("inline images only");
    });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void countsEventsPerTopicDeadLettersByReasonAndTimesEmbeddings() {
    byte[] bytes = TestImages.encode(TestImages.generate(1), "png");
    harness.upload("a", bytes, 1000);
    harness.upload("b", bytes, 2000); // same content: cached, no second model call
    harness.upload("c", TestImages.encode(TestImages.generate(2), "png"), 3000);
    harness.uploadRaw("garbage", new byte[] {1, 2, 3});

    String uploaded = harness.topics.uploaded().name();
    String embedded = harness.topics.embedded().name();
    String deadLetter = harness.topics.deadLetter().name();
    assertThat(count(TopologyMetrics.EVENTS_IN, "topic", uploaded)).isEqualTo(4);
    assertThat(count(TopologyMetrics.EVENTS_OUT, "topic", embedded)).isEqualTo(3);
    assertThat(count(TopologyMetrics.EVENTS_IN, "topic", embedded)).isEqualTo(3);
    assertThat(count(TopologyMetrics.EVENTS_OUT, "topic", deadLetter)).isEqualTo(1);
    assertThat(count(TopologyMetrics.DEAD_LETTERS, "reason", "MALFORMED_EVENT")).isEqualTo(1);
    assertThat(harness.meters.find(TopologyMetrics.EVENTS_OUT).tag("topic", harness.topics.nearDuplicates().name())
        .counter().count()).isEqualTo(1); // b is an exact duplicate of a

    Timer embedding = harness.meters.find(TopologyMetrics.EMBEDDING).tags("vector", "perceptual", "stage", TopologyMetrics.INGEST).timer();
    assertThat(embedding).isNotNull();
    assertThat(embedding.count()).isEqualTo(2).isEqualTo(harness.embedCalls.get());
    assertThat(embedding.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void everyDeadLetterReasonHasASeriesAtZeroBeforeItsFirstLetter() {
    // Prometheus' increase() sees no first letter in a series born at 1: the alert would miss it.
    for (String reason : List.of("FETCH_TIMEOUT", "UNKNOWN_SCHEMA_ID", "PROVIDER_RATE_LIMITED", "IMAGE_ID_TAKEN", "DECODER_BUSY")) {
      assertThat(count(TopologyMetrics.DEAD_LETTERS, "reason", reason)).as(reason).isZero();
    }
    assertThat(harness.meters.find(TopologyMetrics.DEAD_LETTERS).counters()).hasSize(ErrorCodes.all().size());
  }

  @Test
  void theMatchStageTimesEveryUploadByPhase() {
    harness.upload("a", TestImages.encode(TestImages.generate(1), "png"), 1000);
    harness.upload("b", TestImages.encode(TestImages.generate(2), "png"), 2000);

    for (String phase : TopologyMetrics.MATCH_PHASES) {
      Timer timer = harness.meters.find(TopologyMetrics.MATCH).tags("vector", "perceptual", "phase", phase).timer();
      assertThat(timer).as(phase).isNotNull();
      assertThat(timer.count()).as(phase).isEqualTo(2);
    }
    Timer search = harness.meters.find(TopologyMetrics.MATCH).tags("vector", "perceptual", "phase", "search").timer();
    assertThat(search.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void theImageBeingProcessedIsInTheLogContextAndClearedAfterwards() {
    harness.upload(DriverHarness.inline("img-1", "tenant-7", TestImages.encode(TestImages.generate(3), "png"), 1000));

    assertThat(contextSeenByEmbedder).containsExactly("img-1/tenant-7");
    assertThat(MDC.get(LogContext.IMAGE_ID)).isNull();
    assertThat(MDC.get(LogContext.TENANT)).isNull();
  }

  @Test
  void aDeadLetterIsLoggedWithItsImageInTheContext() {
    Logger logger = (Logger) LoggerFactory.getLogger(ContentResultProcessor.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      harness.upload(DriverHarness.inline("broken-1", "tenant-9", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}, 1000));
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().startsWith("dead letter"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry(LogContext.IMAGE_ID, "broken-1")
            .containsEntry(LogContext.TENANT, "tenant-9"));
    assertThat(MDC.get(LogContext.IMAGE_ID)).isNull();
  }

  private double count(String name, String tag, String value) {
    Counter counter = harness.meters.find(name).tag(tag, value).counter();
    assertThat(counter).as("%s{%s=%s}", name, tag, value).isNotNull();
    return counter.count();
  }
}
