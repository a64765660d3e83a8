package dev.lookalike.bench.load;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.topology.Topic;
import dev.lookalike.topology.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Mode (a): precomputed vectors written straight into images.embedded, so only streaming, the
 * vector store and the index are measured. A fixed fraction of events are planted
 * near-duplicates of an earlier image (pre-stored, warm-up or measured, chosen uniformly; each
 * base used once), and the generator's geometry makes the planted pairs the only pairs.
 */
final class VectorScenario implements Scenario<ImageEmbedded> {

  private final Preload preload;
  private final ClusteredVectors vectors;
  private final int warmupCount;
  private final List<LoadEvent<ImageEmbedded>> warmup = new ArrayList<>();
  private final List<LoadEvent<ImageEmbedded>> events = new ArrayList<>();
  private final double duplicateFraction;

  VectorScenario(LoadOptions o) {
    long stored = o.preloaded;
    // Clusters are sized by the pre-stored set (cluster-size images each), so neighbour lists fill.
    long clusters = Math.max(1, (stored > 0 ? stored : o.events + o.warmup) / o.clusterSize);
    this.vectors = new ClusteredVectors(o.dims, o.seed, (int) Math.min(clusters, Integer.MAX_VALUE), o.spread, o.jitter);
    this.preload = new Preload(stored, vectors, LoadOptions.VECTOR, "bench-clustered-" + o.dims);
    this.warmupCount = o.warmup;
    this.duplicateFraction = o.duplicates;
    for (int j = 0; j < o.warmup; j++) {
      long global = stored + j;
      warmup.add(event(id(global), null, global, -1));
    }
    plantEvents(o);
  }

  private void plantEvents(LoadOptions o) {
    SplittableRandom random = new SplittableRandom(o.seed ^ 0xD0B1E5L);
    Set<Long> duplicates = new HashSet<>();
    Set<Long> usedBases = new HashSet<>();
    long first = preload.count() + o.warmup;
    for (int k = 0; k < o.events; k++) {
      long global = first + k;
      long base = -1;
      if (global > 0 && random.nextDouble() < o.duplicates) {
        for (int attempt = 0; attempt < 20 && base < 0; attempt++) {
          long candidate = random.nextLong(global);
          if (!duplicates.contains(candidate) && usedBases.add(candidate)) base = candidate;
        }
      }
      if (base >= 0) duplicates.add(global);
      events.add(event(id(global), base < 0 ? null : id(base), global, base));
    }
  }

  private LoadEvent<ImageEmbedded> event(String id, String duplicateOf, long global, long base) {
    return new LoadEvent<>(id, duplicateOf, uploadedAt -> ImageEmbedded.newBuilder()
        .setImageId(id)
        .setTenant(Preload.TENANT)
        .setVectors(List.of(new NamedVector(LoadOptions.VECTOR, preload.model(), vectors.dims(), Preload.boxed(vector(global, base)))))
        .setContentHash(Preload.contentHash(id))
        .setWidth(640).setHeight(480).setFormat("jpeg")
        .setTags(List.of()).setAttributes(Map.of())
        .setUploadedAt(uploadedAt)
        .build());
  }

  private float[] vector(long global, long base) {
    return base < 0 ? baseVector(global) : vectors.nearDuplicate(baseVector(base), global);
  }

  private float[] baseVector(long global) {
    return global < preload.count() ? preload.vector(global) : vectors.base(global, vectors.uploadedCluster(global));
  }

  private String id(long global) {
    if (global < preload.count()) return Preload.id(global);
    long j = global - preload.count();
    return j < warmupCount ? String.format("w-%06d", j) : String.format("e-%08d", j - warmupCount);
  }

  @Override
  public String name() {
    return "vectors";
  }

  @Override
  public String describe() {
    return String.format("precomputed %d-d vectors into images.embedded; %d clusters; %.0f%% planted near-duplicates",
        vectors.dims(), vectors.clusters(), duplicateFraction * 100);
  }

  @Override
  public Embedder embedder() {
    return new Precomputed(vectors.dims(), preload.model());
  }

  @Override
  public Topic<String, ImageEmbedded> input(Topics topics) {
    return topics.embedded();
  }

  @Override
  public Preload preload() {
    return preload;
  }

  @Override
  public List<LoadEvent<ImageEmbedded>> warmup() {
    return warmup;
  }

  @Override
  public List<LoadEvent<ImageEmbedded>> events() {
    return events;
  }

  /**
   * Stands in for the model in mode (a): the topology asks the embedder of each named vector for
   * its dimension (to size the index) but never calls it, since events arrive already embedded.
   */
  record Precomputed(int dimensions, String modelId) implements Embedder {
    @Override
    public String name() {
      return LoadOptions.VECTOR;
    }

    @Override
    public float[] embed(DecodedImage image) {
      throw new UnsupportedOperationException("mode (a) writes images.embedded directly; nothing is embedded");
    }
  }
}
