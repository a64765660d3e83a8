package dev.lookalike.bench.load;

import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.bench.RealImageSet;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.topology.Topic;
import dev.lookalike.topology.Topics;
import dev.lookalike.topology.store.VectorMath;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Mode (b): ImageUploaded events with the bytes inline, through the whole topology including the
 * perceptual embedder. Originals are real clip art (Debian openclipart-png, via
 * {@link RealImageSet}); planted near-duplicates are edited, re-encoded copies of an earlier
 * original. Real collections hold look-alikes of their own, so the pairs an exact scan must find
 * are computed here by embedding every upload (the same decoder and embedder the topology runs).
 */
final class ImageScenario implements Scenario<ImageUploaded> {

  /** Edits the perceptual embedder sees through at ~0.99 recall (bench/results/near-duplicate-calibration.md). */
  private record Edit(String name, UnaryOperator<BufferedImage> change, String format) {}

  private static final List<Edit> EDITS = List.of(
      new Edit("jpeg-q80", UnaryOperator.identity(), "jpeg"),
      new Edit("resize-50", img -> TestImages.resize(img, 0.5), "png"),
      new Edit("brightness-20", img -> TestImages.brightness(img, 0.8), "png"),
      new Edit("contrast-20", img -> TestImages.contrast(img, 0.8), "png"));

  /** Broker default message.max.bytes is 1 MiB; clients of the service would use URLs for bigger images. */
  private static final long MAX_INLINE_BYTES = 900 * 1024;

  private final Preload preload;
  private final List<LoadEvent<ImageUploaded>> warmup = new ArrayList<>();
  private final List<LoadEvent<ImageUploaded>> events = new ArrayList<>();
  private final List<byte[]> eventBytes = new ArrayList<>();
  private final PerceptualEmbedder embedder = new PerceptualEmbedder();
  private final double threshold;
  private final int folders;
  private float[][] embedded;

  ImageScenario(LoadOptions o, Path realDir, double threshold) throws IOException {
    this.threshold = threshold;
    long clusters = Math.max(1, o.preloaded / o.clusterSize);
    ClusteredVectors synthetic = new ClusteredVectors(embedder.dimensions(), o.seed, (int) clusters, o.spread, o.jitter);
    this.preload = new Preload(o.preloaded, synthetic, LoadOptions.VECTOR, embedder.modelId());
    for (int j = 0; j < o.warmup; j++) {
      // Generated scenes, not clip art: warm-up images must not pair with measured ones.
      byte[] bytes = TestImages.jpeg(TestImages.generate(900_000L + j), 85);
      warmup.add(upload(String.format("w-%06d", j), null, bytes, "image/jpeg"));
    }
    RealImageSet set = RealImageSet.select(realDir, o.imageEvents);
    this.folders = set.folders();
    plant(o, set);
  }

  private void plant(LoadOptions o, RealImageSet set) throws IOException {
    SplittableRandom random = new SplittableRandom(o.seed ^ 0x1A4E5L);
    List<Integer> originals = new ArrayList<>(); // event index -> image index, for planted bases
    List<Integer> imageOf = new ArrayList<>();
    Set<Integer> usedBases = new HashSet<>();
    int nextImage = 0;
    List<int[]> plan = new ArrayList<>(); // {image index, base event index or -1}
    while (plan.size() < o.imageEvents) {
      int k = plan.size();
      int base = -1;
      if (!originals.isEmpty() && random.nextDouble() < o.duplicates) {
        int candidate = originals.get(random.nextInt(originals.size()));
        if (usedBases.add(candidate)) base = candidate;
      }
      if (base >= 0) {
        plan.add(new int[] {imageOf.get(base), base});
        imageOf.add(imageOf.get(base));
        continue;
      }
      while (nextImage < set.files().size() && Files.size(set.files().get(nextImage)) > MAX_INLINE_BYTES) nextImage++;
      if (nextImage >= set.files().size()) break; // out of real images: fewer events
      plan.add(new int[] {nextImage, -1});
      imageOf.add(nextImage++);
      originals.add(k);
    }
    byte[][] bytes = new byte[plan.size()][];
    String[] types = new String[plan.size()];
    IntStream.range(0, plan.size()).parallel().forEach(k -> {
      int[] p = plan.get(k);
      if (p[1] < 0) {
        bytes[k] = read(set.files().get(p[0]));
        types[k] = "image/png";
      } else {
        Edit edit = EDITS.get(k % EDITS.size());
        BufferedImage edited = edit.change().apply(set.load(p[0]));
        bytes[k] = edit.format().equals("jpeg") ? TestImages.jpeg(edited, 80) : TestImages.encode(edited, "png");
        types[k] = "image/" + edit.format();
      }
    });
    for (int k = 0; k < plan.size(); k++) {
      int base = plan.get(k)[1];
      events.add(upload(id(k), base < 0 ? null : id(base), bytes[k], types[k]));
      eventBytes.add(bytes[k]);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String id(int k) {
    return String.format("e-%08d", k);
  }

  private static LoadEvent<ImageUploaded> upload(String id, String duplicateOf, byte[] bytes, String contentType) {
    return new LoadEvent<>(id, duplicateOf, uploadedAt -> ImageUploaded.newBuilder()
        .setImageId(id)
        .setTenant(Preload.TENANT)
        .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(bytes)).setContentType(contentType).build())
        .setTags(List.of()).setAttributes(Map.of())
        .setUploadedAt(uploadedAt)
        .build());
  }

  @Override
  public Set<String> exactPairs(int count) {
    if (embedded == null) {
      ImageDecoder decoder = new ImageDecoder();
      embedded = eventBytes.parallelStream().map(b -> embedder.embed(decoder.decode(b))).toArray(float[][]::new);
    }
    Set<String> pairs = new HashSet<>();
    for (int later = 1; later < Math.min(count, embedded.length); later++) {
      for (int earlier = 0; earlier < later; earlier++) {
        if (VectorMath.dot(embedded[later], embedded[earlier]) >= threshold) pairs.add(LoadEvent.pair(id(later), id(earlier)));
      }
    }
    return pairs;
  }

  @Override
  public String name() {
    return "images";
  }

  @Override
  public String describe() {
    long planted = events.stream().filter(e -> e.duplicateOf() != null).count();
    return String.format("ImageUploaded with inline bytes: %d real openclipart PNGs from %d folders, %d planted copies (%s), "
        + "perceptual embedder (%d-d); pre-stored vectors are synthetic", events.size() - planted, folders, planted,
        String.join(", ", EDITS.stream().map(Edit::name).toList()), embedder.dimensions());
  }

  @Override
  public Embedder embedder() {
    return embedder;
  }

  @Override
  public Topic<String, ImageUploaded> input(Topics topics) {
    return topics.uploaded();
  }

  @Override
  public Preload preload() {
    return preload;
  }

  @Override
  public List<LoadEvent<ImageUploaded>> warmup() {
    return warmup;
  }

  @Override
  public List<LoadEvent<ImageUploaded>> events() {
    return events;
  }
}
