package dev.lookalike.bench.load;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.avro.internal.VectorEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The images already stored before a measurement starts: {@code count} synthetic clustered
 * vectors, all uploaded on 2026-01-01 (so every measured upload is the later image of
 * any pair). Produced either through the topology (as ImageEmbedded) or written straight into
 * the stores' changelogs ({@link ChangelogPreloader}).
 */
record Preload(long count, ClusteredVectors vectors, String vectorName, String model) {

  static final String TENANT = "bench";
  // Fixed, so that the stored entries, and a cached snapshot of them, are the same in every run.
  private static final long FIRST_UPLOADED_AT = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  static String id(long index) {
    return String.format("p-%09d", index);
  }

  float[] vector(long index) {
    return vectors.base(index, vectors.preloadedCluster(index));
  }

  long uploadedAt(long index) {
    return FIRST_UPLOADED_AT + index;
  }

  /** Indices of the pre-stored members of one cluster (round-robin dealing: c, c + C, ...). */
  List<Long> members(int cluster) {
    List<Long> members = new ArrayList<>();
    for (long i = cluster; i < count; i += vectors.clusters()) members.add(i);
    return members;
  }

  ImageEmbedded embedded(long index) {
    return ImageEmbedded.newBuilder()
        .setImageId(id(index))
        .setTenant(TENANT)
        .setVectors(List.of(new NamedVector(vectorName, model, vectors.dims(), boxed(vector(index)))))
        .setContentHash(contentHash(id(index)))
        .setWidth(640).setHeight(480).setFormat("jpeg")
        .setTags(List.of()).setAttributes(Map.of())
        .setUploadedAt(Instant.ofEpochMilli(uploadedAt(index)))
        .build();
  }

  /** The vector-store value the embedded-processor would have written for it. */
  VectorEntry entry(long index, float[] vector) {
    return VectorEntry.newBuilder()
        .setImageId(id(index)).setTenant(TENANT).setUploadedAt(uploadedAt(index)).setVersion(0)
        .setContentHash(contentHash(id(index))).setWidth(640).setHeight(480).setFormat("jpeg").setModel(model)
        .setTags(List.of()).setAttributes(Map.of()).setVector(boxed(vector))
        .build();
  }

  /** A stand-in for the sha256 of the bytes: distinct per image, so no pair counts as EXACT. */
  static String contentHash(String imageId) {
    long a = 1;
    for (int i = 0; i < imageId.length(); i++) a = ClusteredVectors.mix(a, imageId.charAt(i));
    long b = ClusteredVectors.mix(a, imageId.length());
    return String.format("%016x%016x%016x%016x", a, b, ClusteredVectors.mix(b, 3), ClusteredVectors.mix(a, 4));
  }

  static List<Float> boxed(float[] vector) {
    List<Float> list = new ArrayList<>(vector.length);
    for (float x : vector) list.add(x);
    return list;
  }
}
