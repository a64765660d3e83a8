package dev.lookalike.topology.store.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.hnsw.ImageRecords.IdKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The packed records against a plain map, through seeded random adds and removes. */
class ImageRecordsTest {

  @Test
  void imagesComeBackAsTheyWentInWhateverTheirIdsAndValues() {
    ImageRecords records = new ImageRecords(2);
    List<IndexedImage> images = List.of(
        image("plain", 1_763_000_000_000L, 42, "a".repeat(64)),
        image("ünïcødé/路径/🙂", -5, 0, null),
        image("", Long.MIN_VALUE, Long.MAX_VALUE, ""),
        image("x".repeat(10_000), Long.MAX_VALUE, -1, "h".repeat(5_000)), // a record of its own
        new IndexedImage("tagged", "t", 7, 8, "c", List.of("red", "blue"), Map.of("shop", "a")));
    for (int slot = 0; slot < images.size(); slot++) {
      records.ensureCapacity(slot + 1);
      images.get(slot).admissionFloor(slot / 10f);
      records.add(slot, images.get(slot), IdKey.of(images.get(slot).imageId()).utf8());
    }
    for (int slot = 0; slot < images.size(); slot++) {
      IndexedImage expected = images.get(slot);
      IndexedImage actual = records.image(slot, "t");
      assertThat(actual).isEqualTo(expected);
      assertThat(actual.admissionFloor()).isEqualTo(slot / 10f);
      assertThat(records.slotOf(IdKey.of(expected.imageId()))).isEqualTo(slot);
      assertThat(records.id(slot)).isEqualTo(expected.imageId());
    }
    assertThat(records.slotOf(IdKey.of("plain "))).isEqualTo(-1);
  }

  @Test
  void lookupsAgreeWithAMapThroughRandomAddsAndRemoves() {
    SplittableRandom random = new SplittableRandom(7);
    ImageRecords records = new ImageRecords(4);
    Map<String, Integer> expected = new HashMap<>();
    int nextSlot = 0;
    for (int step = 0; step < 200_000; step++) {
      // A small id space, so that removes hit, runs in the table get long, and ids come back.
      String id = "img-" + random.nextInt(20_000);
      if (expected.containsKey(id) && random.nextInt(3) == 0) {
        assertThat(records.remove(IdKey.of(id))).isEqualTo(expected.remove(id));
      } else if (!expected.containsKey(id)) {
        records.ensureCapacity(nextSlot + 1);
        records.add(nextSlot, image(id, step, step, null), IdKey.of(id).utf8());
        expected.put(id, nextSlot++);
      }
      if (step % 10_000 == 0) assertAgrees(records, expected);
    }
    assertAgrees(records, expected);
    assertThat(records.remove(IdKey.of("never-added"))).isEqualTo(-1);
  }

  private static void assertAgrees(ImageRecords records, Map<String, Integer> expected) {
    assertThat(records.live()).isEqualTo(expected.size());
    for (int i = 0; i < 20_000; i++) {
      String id = "img-" + i;
      assertThat(records.slotOf(IdKey.of(id))).as(id).isEqualTo(expected.getOrDefault(id, -1));
    }
  }

  private static IndexedImage image(String id, long uploadedAt, long version, String hash) {
    return new IndexedImage(id, "t", uploadedAt, version, hash, List.of(), Map.of());
  }
}
