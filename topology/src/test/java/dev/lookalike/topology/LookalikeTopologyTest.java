package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.DuplicateKind;
import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.RecommendedItem;
import dev.lookalike.avro.internal.DeletedImage;
import dev.lookalike.avro.internal.ImageState;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.topology.match.MatchProcessor;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology, end to end inside one JVM: embed, match, delete, dead-letter. */
class LookalikeTopologyTest {

  @TempDir Path stateDir;
  private DriverHarness harness;
  private ImageFetcher fetcher;

  @BeforeEach
  void start() {
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    harness = new DriverHarness(stateDir, new PerceptualEmbedder(), Map.of("vector.perceptual.recommend.k", "3"),
        url -> fetcher.fetch(url).bytes());
  }

  @AfterEach
  void stop() {
    harness.close();
    fetcher.close();
  }

  private static byte[] png(long seed) {
    return TestImages.encode(TestImages.generate(seed), "png");
  }

  @Test
  void identicalBytesAreAnExactDuplicateWithoutASecondModelCall() {
    byte[] bytes = png(1);
    harness.upload("a", bytes, 1000);
    harness.upload("b", bytes, 2000);

    assertThat(harness.duplicates()).singleElement().satisfies(d -> {
      assertThat(d.getImageId()).isEqualTo("b");
      assertThat(d.getDuplicateOf()).isEqualTo("a");
      assertThat(d.getKind()).isEqualTo(DuplicateKind.EXACT);
      assertThat(d.getSimilarity()).isEqualTo(1.0f);
      assertThat(d.getVectorName()).isEqualTo("perceptual");
    });
    assertThat(harness.embedCalls.get()).isEqualTo(1);
  }

  @Test
  void aReplayedEventWhoseImageHadALaterEventIsDroppedAndOthersAreProcessed() {
    ImageUploaded firstOfA = DriverHarness.inline("a", "acme", png(1), 1000);
    ImageUploaded latestOfA = DriverHarness.inline("a", "acme", png(2), 2000);
    ImageUploaded b = DriverHarness.inline("b", "acme", png(3), 3000);
    harness.upload(firstOfA); // offset 0
    harness.upload(latestOfA); // offset 1: uploaded again
    harness.upload(b); // offset 2
    harness.delete("b"); // offset 3
    assertThat(harness.embedded()).hasSize(4);

    harness.replay(firstOfA, 0);
    harness.replay(b, 2);
    assertThat(harness.embedded()).as("neither the older upload of a nor the deleted b comes back").isEmpty();

    harness.replay(latestOfA, 1);
    assertThat(harness.embedded()).as("a replay of the image's latest event goes through")
        .singleElement().satisfies(kv -> assertThat(kv.key).isEqualTo("a"));
  }

  @Test
  void anotherTenantsCopyOfTheSameBytesIsEmbeddedAgain() {
    // A cache shared across tenants let one tenant tell, from how fast its upload was embedded,
    // whether another tenant had uploaded the same bytes.
    byte[] bytes = png(1);
    harness.upload(DriverHarness.inline("a", "acme", bytes, 1000));
    harness.upload(DriverHarness.inline("b", "globex", bytes, 2000));
    assertThat(harness.embedCalls.get()).isEqualTo(2);
    assertThat(harness.duplicates()).as("tenants never match each other").isEmpty();
    harness.upload(DriverHarness.inline("c", "globex", bytes, 3000));
    assertThat(harness.embedCalls.get()).as("within a tenant the cache still answers").isEqualTo(2);
    assertThat(harness.duplicates()).singleElement().satisfies(d -> assertThat(d.getDuplicateOf()).isEqualTo("b"));
  }

  @Test
  void aReencodedCopyIsANearDuplicateAndUnrelatedImagesAreNot() {
    BufferedImage original = TestImages.generate(7);
    harness.upload("original", TestImages.encode(original, "png"), 1000);
    harness.upload("unrelated", png(8), 2000);
    harness.upload("copy", TestImages.jpeg(TestImages.resize(original, 0.5), 30), 3000);

    List<NearDuplicateDetected> pairs = harness.duplicates();
    assertThat(pairs).singleElement().satisfies(d -> {
      assertThat(d.getImageId()).isEqualTo("copy");
      assertThat(d.getDuplicateOf()).isEqualTo("original");
      assertThat(d.getKind()).isEqualTo(DuplicateKind.NEAR);
      assertThat(d.getSimilarity()).isGreaterThanOrEqualTo(harness.config.vector("perceptual").duplicateThreshold());
    });
  }

  @Test
  void theLaterUploadIsTheDuplicateWhateverTheArrivalOrder() {
    byte[] bytes = png(3);
    harness.upload("late", bytes, 5000);
    harness.upload("early", bytes, 1000);

    assertThat(harness.duplicates()).singleElement().satisfies(d -> {
      assertThat(d.getImageId()).isEqualTo("late");
      assertThat(d.getDuplicateOf()).isEqualTo("early");
    });
  }

  @Test
  void recommendationsAreBestFirstAndUpdatedWhenABetterNeighbourArrives() {
    BufferedImage base = TestImages.generate(11);
    harness.upload("base", TestImages.encode(base, "png"), 1000);
    harness.upload("other1", png(12), 2000);
    harness.upload("other2", png(13), 3000);
    harness.upload("variant", TestImages.jpeg(TestImages.brightness(base, 1.2), 60), 4000);

    Recommendations latestOfBase = latest(harness.recommendations(), "base");
    assertThat(latestOfBase.getItems()).extracting(RecommendedItem::getImageId).first().isEqualTo("variant");
    List<Float> scores = latestOfBase.getItems().stream().map(RecommendedItem::getScore).toList();
    assertThat(scores).isSortedAccordingTo((a, b) -> Float.compare(b, a));
    assertThat(latestOfBase.getItems()).hasSize(3);
  }

  /** A consumer learns that an image was processed even when it has no look-alike: an empty list, then only changes. */
  @Test
  void anImageWithNoLookAlikeGetsOneEmptyListAndThenOnlyChanges() {
    harness.upload(DriverHarness.inline("alone", "tenant-1", png(41), 1000));
    assertThat(harness.recommendations()).singleElement().satisfies(kv -> {
      assertThat(kv.key).isEqualTo("alone");
      assertThat(kv.value.getItems()).isEmpty();
    });

    harness.upload(DriverHarness.inline("elsewhere", "tenant-2", png(41), 2000));
    assertThat(harness.recommendations()).as("another tenant's image changes nothing of alone's")
        .extracting(kv -> kv.key).containsExactly("elsewhere");

    harness.upload(DriverHarness.inline("mate", "tenant-1", png(42), 3000));
    List<KeyValue<String, Recommendations>> after = harness.recommendations();
    assertThat(after).extracting(kv -> kv.key).containsExactlyInAnyOrder("mate", "alone");
    assertThat(latest(after, "alone").getItems()).extracting(RecommendedItem::getImageId).containsExactly("mate");
  }

  /** The marks that keep late messages from bringing a deleted image back are kept for the retention, then forgotten. */
  @Test
  void deletionMarksAreForgottenAfterTheRetention() {
    harness.upload("old", png(31), 1000);
    harness.upload("young", png(32), 2000);
    KeyValueStore<String, DeletedImage> marks = harness.driver.getKeyValueStore(Names.deletedStore("perceptual"));
    long retention = harness.config.matchDeletedRetentionMs();

    harness.delete("old");
    harness.advanceTime(Duration.ofMillis(retention / 2));
    harness.delete("young");
    assertThat(marks.get("old")).isNotNull();
    assertThat(marks.get("young")).isNotNull();

    harness.advanceTime(Duration.ofMillis(retention / 2 + MatchProcessor.PURGE_EVERY.toMillis()));
    assertThat(marks.get("old")).as("older than the retention").isNull();
    assertThat(marks.get("young")).as("deleted half a retention ago").isNotNull();
  }

  @Test
  void deletionMarksKeptForeverWhenTheRetentionIsMinusOne(@TempDir Path otherState) {
    try (DriverHarness forever = new DriverHarness(otherState, new PerceptualEmbedder(),
        Map.of(LookalikeConfig.MATCH_DELETED_RETENTION_MS, "-1"), url -> fetcher.fetch(url).bytes())) {
      forever.upload("gone", png(33), 1000);
      forever.delete("gone");
      forever.advanceTime(Duration.ofDays(3650));
      KeyValueStore<String, DeletedImage> marks = forever.driver.getKeyValueStore(Names.deletedStore("perceptual"));
      assertThat(marks.get("gone")).isNotNull();
    }
  }

  @Test
  void aDeletedImageLeavesEveryListAndIsNeverPairedAgain() {
    byte[] bytes = png(21);
    harness.upload("a", bytes, 1000);
    harness.upload("b", png(22), 2000);
    harness.upload("c", png(23), 3000);
    harness.recommendations();
    harness.duplicates();

    harness.delete("a");
    List<KeyValue<String, Recommendations>> after = harness.recommendations();
    assertThat(after).anySatisfy(kv -> {
      assertThat(kv.key).isEqualTo("a");
      assertThat(kv.value).isNull();
    });
    for (String id : List.of("b", "c")) {
      assertThat(latest(after, id).getItems()).extracting(RecommendedItem::getImageId).doesNotContain("a");
    }
    harness.upload("a-copy", bytes, 4000);
    assertThat(harness.duplicates()).isEmpty();
    assertThat(harness.embedded()).anySatisfy(kv -> {
      assertThat(kv.key).isEqualTo("a");
      assertThat(kv.value).isNull();
    });
  }

  @Test
  void tenantsNeverSeeEachOther() {
    byte[] bytes = png(31);
    harness.upload(DriverHarness.inline("x1", "tenant-1", bytes, 1000));
    harness.upload(DriverHarness.inline("x2", "tenant-2", bytes, 2000));

    assertThat(harness.duplicates()).isEmpty();
    for (KeyValue<String, Recommendations> kv : harness.recommendations()) {
      assertThat(kv.value.getItems()).isEmpty();
    }
  }

  /** Ids are the topic key: another tenant's upload under a held id would replace that tenant's image. */
  @Test
  void anIdHeldByAnotherTenantIsRefusedAndTheHolderKeepsItsImage() {
    harness.upload(DriverHarness.inline("shared-id", "tenant-1", png(32), 1000));
    harness.upload(DriverHarness.inline("other", "tenant-1", png(33), 2000));
    harness.recommendations();
    harness.embedded();
    harness.upload(DriverHarness.inline("shared-id", "tenant-2", png(34), 3000));

    assertThat(harness.deadLetters()).singleElement().satisfies(letter -> {
      assertThat(letter.getKey()).isEqualTo("shared-id");
      assertThat(letter.getErrorCode()).isEqualTo("IMAGE_ID_TAKEN");
      assertThat(letter.getRetriable()).isFalse();
      assertThat(letter.getMessage()).doesNotContain("tenant-1");
    });
    assertThat(harness.embedded()).isEmpty(); // tenant-1's image was neither deleted nor replaced
    assertThat(harness.recommendations()).isEmpty();
    // An invalid event under the held id does not mark tenant-1's image FAILED either.
    harness.upload(ImageUploaded.newBuilder().setImageId("shared-id").setTenant("tenant-2").setUploadedAt(Instant.ofEpochMilli(1))
        .setSource(ImageSource.newBuilder().setUrl("http://example.invalid/x.png").setData(ByteBuffer.wrap(new byte[] {1})).build())
        .build());
    assertThat(harness.deadLetters()).extracting(DeadLetter::getErrorCode).containsExactly("INVALID_EVENT");
    KeyValueStore<String, ImageStatus> status = harness.driver.getKeyValueStore(Names.IMAGE_STATUS_STORE);
    assertThat(status.get("shared-id")).extracting(ImageStatus::getTenant, ImageStatus::getState)
        .containsExactly("tenant-1", ImageState.EMBEDDED);

    harness.delete("shared-id"); // once the holder deletes it, the id is free
    harness.upload(DriverHarness.inline("shared-id", "tenant-2", png(34), 4000));
    assertThat(harness.deadLetters()).isEmpty();
    assertThat(harness.embedded()).extracting(kv -> kv.value == null ? null : kv.value.getTenant())
        .containsExactly(null, "tenant-2");
  }

  @Test
  void badEventsBecomeDeadLettersWithAReasonAndTheStreamGoesOn() {
    harness.uploadRaw("garbage", new byte[] {1, 2, 3});
    harness.uploadRaw("wrong-magic", new byte[] {1, 0, 0, 0, 1, 2, 'x'});
    harness.uploadRaw("unknown-schema", new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 'x'});
    byte[] png = png(40);
    harness.upload(DriverHarness.inline("truncated", "acme", java.util.Arrays.copyOf(png, png.length / 2), 1000));
    harness.upload(DriverHarness.inline("not-an-image", "acme", "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(), 1000));
    harness.upload(ImageUploaded.newBuilder().setImageId("both").setTenant("acme").setUploadedAt(Instant.ofEpochMilli(1))
        .setSource(ImageSource.newBuilder().setUrl("http://example.invalid/x.png").setData(ByteBuffer.wrap(new byte[] {1})).build())
        .build());
    harness.upload(ImageUploaded.newBuilder().setImageId("unreachable").setTenant("acme").setUploadedAt(Instant.ofEpochMilli(1))
        .setSource(ImageSource.newBuilder().setUrl("http://127.0.0.1:1/nothing.png").build())
        .build());
    harness.upload("fine", png(41), 5000);

    List<DeadLetter> letters = harness.deadLetters();
    assertThat(letters).extracting(DeadLetter::getKey, DeadLetter::getErrorCode).containsExactly(
        Tuple.tuple("garbage", "MALFORMED_EVENT"),
        Tuple.tuple("wrong-magic", "WRONG_MAGIC_BYTE"),
        Tuple.tuple("unknown-schema", "UNKNOWN_SCHEMA_ID"),
        Tuple.tuple("truncated", "UNDECODABLE_IMAGE"),
        Tuple.tuple("not-an-image", "UNSUPPORTED_FORMAT"),
        Tuple.tuple("both", "INVALID_EVENT"),
        Tuple.tuple("unreachable", "FORBIDDEN_URL"));
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.getMessage()).isNotBlank();
      assertThat(l.getOriginalValue()).isNotNull();
      assertThat(l.getSourceTopic()).isEqualTo("images.uploaded");
    });
    assertThat(harness.embedded()).extracting(kv -> kv.key).containsExactly("fine");
    // An upload that could not be fetched or decoded says why to its owner, as its status.
    KeyValueStore<String, ImageStatus> status = harness.driver.getKeyValueStore(Names.IMAGE_STATUS_STORE);
    assertThat(List.of("unreachable", "truncated", "both")).map(status::get)
        .extracting(ImageStatus::getTenant, ImageStatus::getState, ImageStatus::getErrorCode)
        .containsExactly(Tuple.tuple("acme", ImageState.FAILED, "FORBIDDEN_URL"), Tuple.tuple("acme", ImageState.FAILED, "UNDECODABLE_IMAGE"),
            Tuple.tuple("acme", ImageState.FAILED, "INVALID_EVENT"));
    assertThat(status.get("garbage")).as("an event that names no image sets no status").isNull();
  }

  private static Recommendations latest(List<KeyValue<String, Recommendations>> records, String id) {
    Recommendations last = null;
    for (KeyValue<String, Recommendations> kv : records) {
      if (kv.key.equals(id)) last = kv.value;
    }
    assertThat(last).as("recommendations of " + id).isNotNull();
    return last;
  }
}
