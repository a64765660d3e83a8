package dev.lookalike.topology;

import dev.lookalike.avro.DuplicateKind;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageLoader;
import dev.lookalike.embedding.testing.TestImages;

import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.PairOrder;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.Scores;
import dev.lookalike.topology.store.VectorMath;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A seeded set of uploads with near-duplicate variants, exact copies, unrelated distractors and a
 * second tenant, plus its ground truth: every pair an exact scan finds at the threshold.
 */
public final class Workload {

  public record Upload(ImageUploaded event, byte[] bytes) {
    public String id() {
      return event.getImageId();
    }
  }

  private static final List<UnaryOperator<BufferedImage>> EDITS = List.of(
      img -> TestImages.resize(img, 0.5),
      img -> TestImages.crop(img, 0.8, 0.5, 0.5),
      img -> TestImages.brightness(img, 1.2),
      img -> TestImages.overlayText(img, "© lookalike"));

  public final List<Upload> uploads = new ArrayList<>();

  public Workload(int bases, int distractors, long seed) {
    long t = 1_000_000;
    for (int b = 0; b < bases; b++) {
      BufferedImage base = TestImages.generate(seed + b);
      byte[] png = TestImages.encode(base, "png");
      add("base-" + b, "acme", png, t++);
      add("base-" + b + "-v1", "acme", TestImages.jpeg(EDITS.get(b % EDITS.size()).apply(base), 30), t++);
      add("base-" + b + "-v2", "acme", TestImages.encode(EDITS.get((b + 1) % EDITS.size()).apply(base), "png"), t++);
      if (b % 8 == 0) add("base-" + b + "-copy", "acme", png, t++);
      if (b % 10 == 0) add("base-" + b + "-other-tenant", "globex", png, t++);
    }
    for (int d = 0; d < distractors; d++) {
      add("unrelated-" + d, "acme", TestImages.encode(TestImages.generate(seed + 100_000 + d), "png"), t++);
    }
    // Arrival order differs from upload order, so "later" must come from uploadedAt, not timing.
    Collections.shuffle(uploads, new Random(seed));
  }

  private void add(String id, String tenant, byte[] bytes, long uploadedAt) {
    uploads.add(new Upload(DriverHarness.inline(id, tenant, bytes, uploadedAt), bytes));
  }

  /** "later|earlier|KIND" for every pair at or above the threshold (or identical bytes). */
  public static Set<String> groundTruth(List<Upload> uploads, Embedder embedder, float threshold) {
    ImageDecoder decoder = new ImageDecoder();
    List<float[]> vectors = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (Upload u : uploads) {
      vectors.add(embedder.embed(decoder.decode(u.bytes())));
      hashes.add(ImageLoader.sha256Hex(u.bytes()));
    }
    Set<String> pairs = new TreeSet<>();
    for (int i = 0; i < uploads.size(); i++) {
      for (int j = i + 1; j < uploads.size(); j++) {
        ImageUploaded a = uploads.get(i).event();
        ImageUploaded b = uploads.get(j).event();
        if (!a.getTenant().equals(b.getTenant())) continue;
        boolean exact = hashes.get(i).equals(hashes.get(j));
        if (!exact && VectorMath.dot(vectors.get(i), vectors.get(j)) < threshold) continue;
        boolean aLater = PairOrder.compare(a.getUploadedAt().toEpochMilli(), a.getImageId(), b.getUploadedAt().toEpochMilli(), b.getImageId()) > 0;
        pairs.add(key(aLater ? a.getImageId() : b.getImageId(), aLater ? b.getImageId() : a.getImageId(),
            exact ? DuplicateKind.EXACT : DuplicateKind.NEAR));
      }
    }
    return pairs;
  }

  /** "id=score" lists, best first (ties by id), of each image's k most similar images of its tenant. */
  public static Map<String, List<String>> expectedRecommendations(List<Upload> uploads, Embedder embedder, int k) {
    ImageDecoder decoder = new ImageDecoder();
    List<float[]> vectors = new ArrayList<>();
    for (Upload u : uploads) vectors.add(embedder.embed(decoder.decode(u.bytes())));
    Map<String, List<String>> expected = new TreeMap<>();
    for (int i = 0; i < uploads.size(); i++) {
      List<ScoredImage> hits = new ArrayList<>();
      for (int j = 0; j < uploads.size(); j++) {
        ImageUploaded other = uploads.get(j).event();
        if (i == j || !other.getTenant().equals(uploads.get(i).event().getTenant())) continue;
        IndexedImage image = new IndexedImage(other.getImageId(), other.getTenant(), 0, 0, "", List.of(), Map.of());
        hits.add(new ScoredImage(image, VectorMath.dot(vectors.get(i), vectors.get(j))));
      }
      hits.sort(ScoredImage.BEST_FIRST);
      expected.put(uploads.get(i).id(), hits.stream().limit(k).map(h -> h.imageId() + "=" + Scores.clamp(h.score())).toList());
    }
    return expected;
  }

  public static String key(String later, String earlier, DuplicateKind kind) {
    return later + "|" + earlier + "|" + kind;
  }
}
