package dev.lookalike.server.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.Workload;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: one service JVM, SIGKILLed at ten seeded-random moments while about two
 * thousand uploads stream in, restarted each time on the same state directory. Exactly-once v2
 * must leave committed outputs equal to a clean run: every pair exactly once (none missing, none
 * repeated) and every image's recommendations the exact top-k.
 */
class CrashLoopTest {

  private static final Duration DEADLINE = Duration.ofMinutes(4);
  private static final int KILLS = 10;

  @TempDir Path tmp;

  @Test
  void tenRandomKillsLeaveExactlyTheCleanPairs() throws Exception {
    crashLoop(false);
  }

  @Test
  void tenRandomKillsLeaveExactlyTheCleanRecommendations() throws Exception {
    crashLoop(true);
  }

  private void crashLoop(boolean checkRecommendations) throws Exception {
    Workload workload = new Workload(500, 400, 23);
    assertThat(workload.uploads).hasSizeGreaterThanOrEqualTo(2000);
    PerceptualEmbedder embedder = new PerceptualEmbedder();
    Random random = new Random(23);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> settings = ProcessFailoverTest.settings(kafka);
      settings.put(LookalikeConfig.APPLICATION_ID, "crash-loop");
      settings.replaceAll((k, v) -> v.startsWith("failover.images.") ? v.replace("failover.", "crash.") : v);
      // Static membership: a restarted instance takes its partitions back without waiting out the session.
      settings.put("kafka.group.instance.id", "crash-loop-instance");
      LookalikeConfig config = LookalikeConfig.of(settings);
      RestSchemaRegistryClient registry = new RestSchemaRegistryClient(config.schemaRegistryUrl());
      Topics topics = Topics.create(config, registry);
      new TopicProvisioner(config, topics).ensure(kafka.admin());
      ExecutorService producer = Executors.newSingleThreadExecutor();
      ServiceProcess service = ServiceProcess.start(tmp, "only", settings);
      try (registry) {
        await().atMost(DEADLINE).until(service::ready);
        Future<?> load = producer.submit(() -> {
          produceSteadily(kafka, topics, workload.uploads);
          return null;
        });
        for (int kill = 0; kill < KILLS; kill++) {
          ServiceProcess victim = service;
          pause(Duration.ofMillis(1000 + random.nextInt(3000))); // the random moment of the kill
          victim.kill();
          service = ServiceProcess.start(tmp, "only", settings);
          ServiceProcess restarted = service;
          await().atMost(DEADLINE).until(restarted::ready);
        }
        load.get();
        ProcessFailoverTest.Outputs outputs = ProcessFailoverTest.collect(kafka, topics, workload.uploads);
        float threshold = config.vector("perceptual").duplicateThreshold();
        assertThat(outputs.embedded()).as("every upload embedded exactly once").isEqualTo(ProcessFailoverTest.onceEach(workload.uploads));
        assertThat(outputs.pairs()).as("every pair exactly once")
            .containsExactlyInAnyOrderElementsOf(Workload.groundTruth(workload.uploads, embedder, threshold));
        if (checkRecommendations) {
          assertThat(outputs.recommendations())
              .isEqualTo(Workload.expectedRecommendations(workload.uploads, embedder, config.vector("perceptual").recommendK()));
        }
      } finally {
        producer.shutdownNow();
        service.close();
      }
    }
  }

  /**
   * Pacing, not synchronisation: it chooses when things happen (a kill, the next batch), it never
   * waits for something to be done. Every wait for a state uses a condition with a deadline.
   */
  private static void pause(Duration duration) throws InterruptedException {
    Thread.sleep(duration);
  }

  /** The load arrives over tens of seconds, so the kills land in the middle of it. */
  private static void produceSteadily(EmbeddedKafka kafka, Topics topics, List<Workload.Upload> uploads) throws InterruptedException {
    int batch = 40;
    for (int from = 0; from < uploads.size(); from += batch) {
      ProcessFailoverTest.produce(kafka, topics, uploads.subList(from, Math.min(uploads.size(), from + batch)));
      pause(Duration.ofMillis(700));
    }
  }
}
