package dev.lookalike.topology.match;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.internal.DeletedImage;
import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.metrics.TopologyMetrics;
import dev.lookalike.topology.store.hnsw.HnswIndex;
import dev.lookalike.topology.store.hnsw.HnswParams;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.ScoredImage;
import dev.lookalike.topology.store.Scores;
import dev.lookalike.topology.store.VectorMath;
import dev.lookalike.topology.store.VectorStoreSupplier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The three processors of the match stage on P simulated partitions, driven by a seeded scheduler
 * that picks which partition's which input queue goes next: the interleavings a cluster can
 * produce (per-partition FIFO; a message is readable only once the transaction that wrote it has
 * committed), none of the timing. One task per partition with real stores (the production
 * VectorStore included). One stream thread: one transaction for all tasks; a crash aborts it and
 * revives every task as Kafka Streams does after a dirty close (same store and processor objects
 * closed, re-initialised, restored to the committed contents; input read again from the committed
 * offsets).
 */
final class MatchInterleavingSimulation {

  static final String VECTOR = "perceptual";
  static final String EMBEDDED = "embedded", MATCH = "match", PARTIALS = "partials";
  private static final TopologyMetrics METRICS = new TopologyMetrics(new SimpleMeterRegistry());

  record Image(String id, String tenant, long uploadedAt, String contentHash, float[] vector) {}

  final int partitions;
  final VectorConfig config;
  final List<Task> tasks = new ArrayList<>();
  final Map<String, List<String>> recommendations = new TreeMap<>();
  final List<String> pairs = new ArrayList<>();

  private final Path stateDir;

  /** @param stateDir where each task's vector store saves its snapshots */
  MatchInterleavingSimulation(int partitions, int k, Path stateDir) {
    this.partitions = partitions;
    this.stateDir = stateDir;
    LookalikeConfig lookalike = LookalikeConfig.of(Map.of("vector.perceptual.recommend.k", String.valueOf(k)));
    this.config = lookalike.vector(VECTOR);
    for (int p = 0; p < partitions; p++) tasks.add(new Task(p));
  }

  int partitionOf(String key) {
    return MulticastPartitioner.home(key, partitions);
  }

  /** One partition's task: its stores, its three processors, its three input queues. */
  final class Task {
    final int partition;
    final MockProcessorContext<String, SpecificRecord> context;
    final Map<String, ArrayDeque<Object>> queues = new HashMap<>();
    final Map<String, Long> nextOffset = new HashMap<>();
    EmbeddedProcessor embedded;
    MatchProcessor match;
    PartialsProcessor partialsProcessor;
    final List<StateStore> stores = new ArrayList<>();
    // At the last commit: store contents and the unread input of each queue.
    Map<String, Map<String, Object>> committedStores = new HashMap<>();
    Map<String, ArrayDeque<Object>> committedQueues = new HashMap<>();
    Map<String, Long> committedOffsets = new HashMap<>();

    Task(int partition) {
      this.partition = partition;
      Path taskDir = stateDir.resolve("0_" + partition);
      try {
        Files.createDirectories(taskDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      this.context = new MockProcessorContext<>(new Properties(), new TaskId(0, partition), taskDir.toFile());
      for (String t : List.of(EMBEDDED, MATCH, PARTIALS)) {
        queues.put(t, new ArrayDeque<>());
        nextOffset.put(t, 0L);
      }
      open();
    }

    /** Creates stores and processors, as a (re)started task does. */
    void open() {
      addStore(Stores.keyValueStoreBuilder(new VectorStoreSupplier(Names.vectorStore(VECTOR),
              // The default index (exact at this size), saving a snapshot on every close: a dirty
              // close then leaves the aborted transaction's writes in the file, which the restore
              // must drop.
              () -> new HnswIndex(0, HnswParams.DEFAULTS), 0),
          Serdes.String(), AvroBinarySerde.of(VectorEntry.class)).withLoggingDisabled().build());
      addStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.neighborStore(VECTOR)),
          Serdes.String(), AvroBinarySerde.of(NeighborState.class)).withLoggingDisabled().build());
      addStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.deletedStore(VECTOR)),
          Serdes.String(), AvroBinarySerde.of(DeletedImage.class)).withLoggingDisabled().build());
      embedded = new EmbeddedProcessor(List.of(config), AvroBinarySerde.of(ImageEmbedded.class).deserializer(), partitions, Clock.systemUTC(), Integer.MAX_VALUE, METRICS);
      match = new MatchProcessor(List.of(config), Clock.systemUTC(), LookalikeConfig.of(Map.of()).matchDeletedRetentionMs(), METRICS);
      partialsProcessor = new PartialsProcessor(List.of(config), Clock.systemUTC());
      embedded.init(context);
      match.init(context);
      partialsProcessor.init(context);
    }

    private void addStore(StateStore store) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
      stores.add(store);
    }

    @SuppressWarnings("unchecked")
    void snapshot() {
      committedStores = new HashMap<>();
      for (StateStore store : stores) {
        Map<String, Object> copy = new TreeMap<>();
        try (var it = ((KeyValueStore<String, Object>) (KeyValueStore<?, ?>) store).all()) {
          it.forEachRemaining(kv -> copy.put(kv.key, kv.value));
        }
        committedStores.put(store.name(), copy);
      }
      committedQueues = new HashMap<>();
      queues.forEach((t, q) -> committedQueues.put(t, new ArrayDeque<>(q)));
      committedOffsets = new HashMap<>(nextOffset);
    }

    /**
     * A dirty close and revival as Kafka Streams does it: the same store and processor objects are
     * closed, re-initialised and restored from the changelog (the committed contents); input is
     * consumed again from the committed offsets.
     */
    void crashAndRevive() {
      for (StateStore store : stores) store.close();
      for (StateStore store : stores) {
        store.init(context.getStateStoreContext(), store);
        @SuppressWarnings("unchecked")
        KeyValueStore<String, Object> kv = (KeyValueStore<String, Object>) (KeyValueStore<?, ?>) store;
        committedStores.getOrDefault(store.name(), Map.of()).forEach(kv::put);
      }
      embedded.init(context);
      match.init(context);
      partialsProcessor.init(context);
      queues.clear();
      committedQueues.forEach((t, q) -> queues.put(t, new ArrayDeque<>(q)));
      nextOffset.clear();
      nextOffset.putAll(committedOffsets);
      context.resetForwards();
    }

    void processOne(String topic) {
      Object value = queues.get(topic).poll();
      long offset = nextOffset.merge(topic, 1L, Long::sum) - 1;
      context.setRecordMetadata(topic, partition, offset);
      switch (topic) {
        case EMBEDDED -> {
          Image image = (Image) value;
          embedded.process(new Record<>(image.id(), embeddedBytes(image), 0L));
        }
        case MATCH -> match.process(new Record<>(((MatchMessage) value).getImageId(), (MatchMessage) value, 0L));
        case PARTIALS -> partialsProcessor.process(new Record<>(((MatchPartial) value).getImageId(), (MatchPartial) value, 0L));
        default -> throw new IllegalStateException(topic);
      }
      route();
    }

    private void route() {
      pending.add(() -> {}); // the transaction is open even if nothing was forwarded
      for (MockProcessorContext.CapturedForward<? extends String, ? extends SpecificRecord> f : context.forwarded()) {
        String child = f.childName().orElseThrow();
        Record<? extends String, ? extends SpecificRecord> r = f.record();
        switch (child) {
          case Names.MATCH_SINK -> pending.add(() -> new MulticastPartitioner()
              .partitions(Names.MATCH_SINK, r.key(), (MatchMessage) r.value(), partitions).orElseThrow()
              .forEach(p -> tasks.get(p).queues.get(MATCH).add(r.value())));
          case Names.PARTIALS_SINK -> pending.add(() -> tasks.get(partitionOf(r.key())).queues.get(PARTIALS).add(r.value()));
          case Names.RECOMMENDATIONS_SINK -> pending.add(() -> {
            Recommendations recs = (Recommendations) r.value();
            if (recs == null) recommendations.remove(r.key());
            else recommendations.put(r.key(), recs.getItems().stream().map(i -> i.getImageId() + "=" + i.getScore()).toList());
          });
          case Names.NEAR_DUPLICATES_SINK -> pending.add(() -> {
            NearDuplicateDetected d = (NearDuplicateDetected) r.value();
            pairs.add(d.getImageId() + "|" + d.getDuplicateOf());
          });
          default -> throw new IllegalStateException("unexpected sink " + child);
        }
      }
      context.resetForwards();
    }
  }

  /** Output of the open transaction (one stream thread: one transaction for all tasks). */
  final List<Runnable> pending = new ArrayList<>();

  /** Commits: outputs become visible (read_committed), stores and input positions are the new restart point. */
  void commit() {
    pending.forEach(Runnable::run);
    pending.clear();
    tasks.forEach(Task::snapshot);
  }

  /** SIGKILL and restart, or an in-process dirty close of every task: the open transaction is aborted. */
  void crash() {
    pending.clear();
    tasks.forEach(Task::crashAndRevive);
  }

  static byte[] embeddedBytes(Image image) {
    List<Float> v = new ArrayList<>();
    for (float x : image.vector()) v.add(x);
    ImageEmbedded e = ImageEmbedded.newBuilder()
        .setImageId(image.id()).setTenant(image.tenant())
        .setVectors(List.of(new NamedVector(VECTOR, "test", v.size(), v)))
        .setContentHash(image.contentHash()).setWidth(1).setHeight(1).setFormat("png")
        .setUploadedAt(Instant.ofEpochMilli(image.uploadedAt()))
        .build();
    return AvroBinarySerde.of(ImageEmbedded.class).serialize("embedded", e);
  }

  /** An embedded image arrives on its home partition (before the run starts). */
  void upload(Image image) {
    tasks.get(partitionOf(image.id())).queues.get(EMBEDDED).add(image);
  }

  /** Runs until every queue is empty, choosing the next (partition, topic) with the random source. */
  /** Commits after a step with probability commitP; crashes (before that) with probability crashP, at most maxCrashes times. */
  int runToCompletion(Random random, double commitP, double crashP, int maxCrashes) {
    List<String> topics = List.of(EMBEDDED, MATCH, PARTIALS);
    tasks.forEach(Task::snapshot);
    int crashes = 0;
    while (true) {
      List<Object[]> ready = new ArrayList<>();
      for (Task t : tasks) for (String topic : topics) if (!t.queues.get(topic).isEmpty()) ready.add(new Object[] {t, topic});
      if (ready.isEmpty()) {
        if (pending.isEmpty()) return crashes;
        commit();
        continue;
      }
      Object[] pick = ready.get(random.nextInt(ready.size()));
      ((Task) pick[0]).processOne((String) pick[1]);
      if (crashes < maxCrashes && random.nextDouble() < crashP) {
        crash();
        crashes++;
      } else if (random.nextDouble() < commitP) {
        commit();
      }
    }
  }

  /** The exact top-k ("id=score", best first) of every image among the images of its tenant. */
  static Map<String, List<String>> expected(List<Image> images, int k) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Image a : images) {
      List<ScoredImage> hits = new ArrayList<>();
      for (Image b : images) {
        if (a == b || !a.tenant().equals(b.tenant())) continue;
        hits.add(new ScoredImage(new IndexedImage(b.id(), b.tenant(), 0, 0, "", List.of(), Map.of()), VectorMath.dot(a.vector(), b.vector())));
      }
      hits.sort(ScoredImage.BEST_FIRST);
      out.put(a.id(), hits.stream().limit(k).map(h -> h.imageId() + "=" + Scores.clamp(h.score())).toList());
    }
    return out;
  }

  static List<Image> randomImages(Random random, int n, int dims) {
    List<Image> images = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String tenant = random.nextInt(5) == 0 ? "globex" : "acme";
      float[] v;
      String hash;
      if (i > 0 && random.nextInt(6) == 0) { // an exact copy of an earlier image: exact ties
        Image of = images.get(random.nextInt(images.size()));
        v = of.vector().clone();
        hash = of.contentHash();
        tenant = of.tenant();
      } else {
        v = new float[dims];
        for (int d = 0; d < dims; d++) v[d] = (float) random.nextGaussian();
        v = VectorMath.normalize(v);
        hash = "h" + i;
      }
      images.add(new Image("img-" + i, tenant, 1_000 + random.nextInt(n * 2), hash, v));
    }
    return images;
  }
}
