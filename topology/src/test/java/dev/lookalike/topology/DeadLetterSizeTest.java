package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.internal.ContentResult;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead letter must always be writable: one over the producer's max.request.size failed the
 * stream thread, whose replacement reprocessed the same record, forever. Originals that would
 * take a dead letter over the limit are dropped, and the dead letter says so.
 */
class DeadLetterSizeTest {

  /** A small max.request.size, so small events stand in for ones near the real ~34 MiB limit. */
  private static final int LIMIT = 64 * 1024;

  @TempDir Path stateDir;
  private DriverHarness harness;

  @BeforeEach
  void start() {
    harness = new DriverHarness(stateDir, new PerceptualEmbedder(), Map.of("kafka.producer.max.request.size", String.valueOf(LIMIT)),
        url -> { throw new AssertionError("no URLs here: " + url); });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void theLimitIsTheProducersRequestSizeOrTheTopicsMessageSize() {
    assertThat(DeadLetters.recordLimit(harness.config)).isEqualTo(LIMIT);
    LookalikeConfig defaults = LookalikeConfig.of(Map.of());
    // The dead-letter topic holds an uploaded record at its limit, twice over (key and value), plus room: 2 x (16 MiB + 1 MiB) + 64 KiB.
    int topicLimit = 2 * (defaults.imageMaxBytes() + 1024 * 1024) + 64 * 1024;
    assertThat(DeadLetters.recordLimit(defaults)).isEqualTo(topicLimit);
    assertThat(DeadLetters.recordLimit(LookalikeConfig.of(Map.of("kafka.max.request.size", "999999999"))))
        .as("a larger producer limit does not raise the dead-letter topic's").isEqualTo(topicLimit);
    assertThat(DeadLetters.recordLimit(LookalikeConfig.of(Map.of("kafka.max.request.size", "3000000"))))
        .as("a smaller producer limit lowers it").isEqualTo(3_000_000);
  }

  @Test
  void anOriginalTooLargeToKeepIsDroppedAndTheDeadLetterSaysSo() {
    byte[] big = new byte[LIMIT - 1000]; // fits a request on its own, not with the dead letter around it
    new Random(1).nextBytes(big);
    big[0] = 1; // not the Confluent wire format
    harness.uploadRaw("big-garbage", big);
    harness.uploadRaw("small-garbage", new byte[] {1, 2, 3});
    // A well-formed upload whose image cannot be decoded fails in the content stage: its original
    // travels back toward the dead letter only if the dead letter can keep it.
    byte[] notAnImage = Arrays.copyOf("\u0089PNG\r\n\u001a\n".getBytes(StandardCharsets.ISO_8859_1), LIMIT - 2000);
    harness.upload(DriverHarness.inline("big-undecodable", "acme", notAnImage, 1000));
    harness.upload(DriverHarness.inline("small-undecodable", "acme", Arrays.copyOf(notAnImage, 100), 1000));

    Map<String, DeadLetter> letters = deadLettersWithinTheLimit();
    assertThat(letters).containsOnlyKeys("big-garbage", "small-garbage", "big-undecodable", "small-undecodable");

    DeadLetter bigGarbage = letters.get("big-garbage");
    assertThat(bigGarbage.getErrorCode()).isEqualTo("WRONG_MAGIC_BYTE");
    assertThat(bigGarbage.getOriginalValue()).isNull();
    assertThat(bigGarbage.getMessage()).contains("original value of " + big.length + " bytes not kept: over the dead-letter size limit");
    assertThat(letters.get("small-garbage").getOriginalValue().remaining()).isEqualTo(3);

    DeadLetter bigUndecodable = letters.get("big-undecodable");
    assertThat(bigUndecodable.getErrorCode()).isIn("UNDECODABLE_IMAGE", "UNSUPPORTED_FORMAT");
    assertThat(bigUndecodable.getOriginalValue()).isNull();
    assertThat(bigUndecodable.getMessage()).contains("bytes not kept: over the dead-letter size limit");
    assertThat(letters.get("small-undecodable").getOriginalValue()).isNotNull();
    assertThat(letters.get("small-undecodable").getMessage()).doesNotContain("not kept");

    List<ContentResult> results = harness.driver.createOutputTopic(harness.topics.contentResults().name(),
        new ByteArrayDeserializer(), AvroBinarySerde.of(ContentResult.class).deserializer()).readValuesToList();
    assertThat(results).filteredOn(r -> r.getImageId().equals("big-undecodable")).singleElement()
        .satisfies(r -> assertThat(r.getOriginalValue()).as("not carried to be dropped later").isNull());
  }

  @Test
  void aHugeKeyIsShortenedInTheBodySoTheDeadLetterStillFits() {
    String key = "k".repeat(30_000); // twice over half the room: as record key and key field it would not fit
    harness.uploadRaw(key, new byte[] {1, 2, 3});

    DeadLetter letter = deadLettersWithinTheLimit().get(key);
    assertThat(letter.getKey()).startsWith("kkkk").hasSizeLessThan(300);
    assertThat(letter.getMessage()).contains("key of 30000 bytes shortened");
    assertThat(letter.getOriginalValue().remaining()).as("the small original still fits").isEqualTo(3);
  }

  @Test
  void theRoomForTheOriginalIsExact() {
    long room = DeadLetters.originalRoom(LIMIT, "id");
    DeadLetter fits = DeadLetters.of("t", 0, 0, "id", "X", "m", false, new byte[(int) room], LIMIT, Clock.systemUTC());
    DeadLetter over = DeadLetters.of("t", 0, 0, "id", "X", "m", false, new byte[(int) room + 1], LIMIT, Clock.systemUTC());
    assertThat(fits.getOriginalValue()).isNotNull();
    assertThat(over.getOriginalValue()).isNull();
    assertThat(over.getMessage()).isEqualTo("m [original value of " + (room + 1) + " bytes not kept: over the dead-letter size limit ("
        + room + " bytes)]");
    String longMessage = "x".repeat(5000);
    DeadLetter noted = DeadLetters.of("t", 0, 0, "id", "X", longMessage, false, new byte[(int) room + 1], LIMIT, Clock.systemUTC());
    assertThat(noted.getMessage()).as("the note survives a long message").hasSizeLessThanOrEqualTo(2000).endsWith("bytes)]");
  }

  /** The dead letters written, by record key, each checked to fit the producer's request limit as serialized. */
  private Map<String, DeadLetter> deadLettersWithinTheLimit() {
    Map<String, DeadLetter> byKey = new LinkedHashMap<>();
    var deserializer = harness.topics.deadLetter().valueSerde().deserializer();
    for (TestRecord<byte[], byte[]> r : harness.driver.createOutputTopic(harness.topics.deadLetter().name(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList()) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      // Record and batch overhead is well under 200 bytes.
      assertThat(r.key().length + r.value().length + 200).as("serialized dead letter of " + key.substring(0, Math.min(20, key.length())))
          .isLessThanOrEqualTo(LIMIT);
      byKey.put(key, deserializer.deserialize(harness.topics.deadLetter().name(), r.value()));
    }
    return byKey;
  }
}
