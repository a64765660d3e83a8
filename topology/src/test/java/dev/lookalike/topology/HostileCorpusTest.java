package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.topology.corpus.HostileCorpus;
import dev.lookalike.topology.corpus.HostileCorpus.Case;
import dev.lookalike.topology.corpus.HostileCorpus.Env;
import dev.lookalike.topology.corpus.HostileCorpus.Event;
import dev.lookalike.topology.corpus.HostileImages;
import dev.lookalike.topology.deadletter.DeadLetters;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockWebServer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hostile corpus on the event path: the production topology in a TopologyTestDriver, each
 * case piped into images.uploaded as raw record bytes. Every case must end in exactly one dead
 * letter with its precise code, the original bytes and a message, fast; the stream must go on;
 * and heap use must stay flat while the whole corpus runs again and again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCorpusTest {

  private static final Logger log = LoggerFactory.getLogger(HostileCorpusTest.class);
  private static final List<Case> CASES = HostileCorpus.cases();
  /** Far above what any case needs (the slowest, a fetch that times out, takes ~0.3 s); a hang fails. */
  private static final long MAX_MILLIS_PER_EVENT = 5_000;
  private static final int ROUNDS = 20;
  /** Heap (after GC) may grow this much from the end of round 1 to the end of the last round. */
  private static final long MAX_HEAP_GROWTH = 64L << 20;

  @TempDir static Path stateDir;
  private static MockWebServer web;
  private static ImageFetcher fetcher;
  private static DriverHarness harness;
  private static Env env;

  @BeforeAll
  static void start() throws IOException {
    web = new MockWebServer();
    HostileCorpus.serve(web, CASES);
    web.start();
    fetcher = new ImageFetcher(HostileCorpus.fetcherConfig(LookalikeConfig.of(HostileCorpus.config())));
    harness = new DriverHarness(stateDir, new PerceptualEmbedder(), HostileCorpus.config(), url -> fetcher.fetch(url).bytes());
    String base = web.url("/").toString();
    env = new Env(harness.registry, base.substring(0, base.length() - 1));
  }

  @AfterAll
  static void stop() throws IOException {
    harness.close();
    fetcher.close();
    web.shutdown();
  }

  @Test
  @Order(0)
  void theCorpusCoversEveryItemOfTheIssue() {
    assertThat(CASES).hasSizeGreaterThanOrEqualTo(40);
    assertThat(CASES.stream().map(Case::name).distinct()).hasSize(CASES.size());
    assertThat(CASES.stream().map(Case::covers).distinct().toList()).contains("malformed Avro", "unknown schema id", "wrong magic byte",
        "missing required fields", "zero-byte images", "truncated images", "JPEG corrupted", "PNG corrupted", "GIF corrupted",
        "BMP corrupted", "WebP corrupted", "TIFF corrupted", "decompression bomb (PNG)", "decompression bomb (GIF frames)",
        "images far over the size limit", "non-images with image content types", "SVG", "HTML / non-images with image content types",
        "data URLs with bad base64", "absurd dimensions", "very long ids", "very long tags", "invalid UTF-8");
    assertThat(HostileImages.pngClaiming(50_000, 50_000)).hasSizeLessThan(8192);
    assertThat(HostileImages.gifFrames(5000, 65_535, 65_535)).hasSizeLessThan(HostileCorpus.MAX_IMAGE_BYTES);
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> everyCaseEndsInOneDeadLetterWithItsPreciseReason() {
    Stream<DynamicTest> cases = CASES.stream().map(c -> DynamicTest.dynamicTest(c.name() + " -> " + c.deadLetterCode(),
        () -> assertOneDeadLetter(c.name(), c.event(env), c.deadLetterCode())));
    return Stream.concat(cases, Stream.of(DynamicTest.dynamicTest("and then a good image still embeds", HostileCorpusTest::aGoodImageEmbeds)));
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> theSameImagesByUrlEndTheSameWay() {
    return CASES.stream().filter(Case::hasUrlForm).map(c -> DynamicTest.dynamicTest(c.name() + "@url -> " + c.deadLetterCode(),
        () -> assertOneDeadLetter(c.name() + "@url", c.urlEvent(env), c.deadLetterCode())));
  }

  /** Only the first frame is read: 20,000 more frames cost nothing, and the image embeds. */
  @Test
  @Order(3)
  void aGifWithThousandsOfFramesIsDecodedFromItsFirstFrame() {
    byte[] gif = HostileImages.gifWithManyFrames(20_000);
    long start = System.nanoTime();
    harness.upload("many-frames", gif, 1000);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(harness.deadLetters()).isEmpty();
    List<KeyValue<String, ImageEmbedded>> embedded = harness.embedded();
    assertThat(embedded).singleElement().satisfies(kv -> {
      assertThat(kv.value.getFormat()).isEqualTo("gif");
      assertThat(kv.value.getWidth()).isEqualTo(32);
    });
    assertThat(millis).as("ms for a %d-byte GIF of 20,001 frames", gif.length).isLessThan(2_000);
  }

  @Test
  @Order(4)
  void heapStaysFlatWhileTheCorpusRunsInALoop() {
    List<Case> loop = CASES.stream().filter(c -> !c.slow()).toList();
    List<Long> heap = new ArrayList<>();
    long start = System.nanoTime();
    for (int round = 1; round <= ROUNDS; round++) {
      for (Case c : loop) {
        Event event = c.event(env);
        pipe(event);
        if (c.hasUrlForm()) pipe(c.urlEvent(env));
      }
      int expected = loop.size() + (int) loop.stream().filter(Case::hasUrlForm).count();
      List<DeadLetter> letters = harness.deadLetters();
      assertThat(letters).as("dead letters in round %d", round).hasSize(expected);
      harness.drainAll(); // the driver keeps every produced record (changelogs too) until read
      heap.add(usedHeapAfterGc());
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000;
    long first = heap.get(0);
    long last = heap.get(heap.size() - 1);
    long max = heap.stream().mapToLong(Long::longValue).max().orElseThrow();
    log.info("hostile corpus x{} ({} events a round) in {} s; heap after GC: round 1 {} MiB, last {} MiB, max {} MiB; all rounds {}",
        ROUNDS, loop.size() + loop.stream().filter(Case::hasUrlForm).count(), seconds, first >> 20, last >> 20, max >> 20,
        heap.stream().map(b -> b >> 20).toList());
    assertThat(last - first).as("heap growth over %d rounds (MiB after GC: %s)", ROUNDS, heap.stream().map(b -> b >> 20).toList())
        .isLessThan(MAX_HEAP_GROWTH);
    assertThat(max - first).as("largest heap after GC over the rounds").isLessThan(MAX_HEAP_GROWTH);
    aGoodImageEmbeds();
  }

  private static void assertOneDeadLetter(String name, Event event, String code) {
    long start = System.nanoTime();
    pipe(event);
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<DeadLetter> letters = harness.deadLetters();
    assertThat(letters).as("dead letters of %s", name).hasSize(1);
    DeadLetter letter = letters.get(0);
    assertThat(letter.getErrorCode()).as("code of %s: %s", name, letter.getMessage()).isEqualTo(code);
    assertThat(letter.getMessage()).as("message of %s", name).isNotBlank();
    assertThat(letter.getSourceTopic()).isEqualTo(HostileCorpus.UPLOADS);
    assertThat(letter.getKey()).isEqualTo(event.key() == null ? null : new String(event.key(), StandardCharsets.UTF_8));
    // The original is kept unless it would take the dead letter past what the producer may send.
    String key = event.key() == null ? null : new String(event.key(), StandardCharsets.UTF_8);
    if (event.value() == null || event.value().length <= DeadLetters.originalRoom(DeadLetters.recordLimit(harness.config), key)) {
      assertThat(bytes(letter.getOriginalValue())).as("original value of %s", name).isEqualTo(event.value());
    } else {
      assertThat(letter.getOriginalValue()).as("original value of %s", name).isNull();
      assertThat(letter.getMessage()).contains("original value of " + event.value().length + " bytes not kept");
    }
    assertThat(harness.embedded()).as("embedded images after %s", name).isEmpty();
    assertThat(millis).as("ms to dead-letter %s", name).isLessThan(MAX_MILLIS_PER_EVENT);
    log.info("{} -> {} in {} ms: {}", name, letter.getErrorCode(), millis, letter.getMessage());
  }

  private static void aGoodImageEmbeds() {
    harness.upload("a-good-image", TestImages.encode(TestImages.generate(4711), "png"), 5000);
    assertThat(harness.deadLetters()).isEmpty();
    assertThat(harness.embedded()).extracting(kv -> kv.key).containsExactly("a-good-image");
    harness.delete("a-good-image");
    harness.drainAll();
  }

  private static void pipe(Event event) {
    harness.uploadRaw(event.key(), event.value());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) return null;
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  /** The smallest of three readings after System.gc(): what is really retained. */
  static long usedHeapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
