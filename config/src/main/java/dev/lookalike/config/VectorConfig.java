package dev.lookalike.config;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of one named vector, read from {@code vector.<name>.*}. Each named vector has its own
 * embedder, store, duplicate threshold and recommendation list.
 */
public final class VectorConfig extends AbstractConfig {

  public static final String EMBEDDER = "embedder";
  public static final String DUPLICATE_THRESHOLD = "duplicate.threshold";
  public static final String DUPLICATES_ENABLED = "duplicates.enabled";
  public static final String RECOMMEND_K = "recommend.k";
  public static final String RECOMMEND_MIN_SCORE = "recommend.min.score";
  public static final String MAX_DUPLICATES_PER_IMAGE = "duplicates.max.per.image";

  /**
   * Default near-duplicate threshold of the perceptual embedder, calibrated on the generated
   * near-duplicate benchmark (bench/results/near-duplicate-calibration.md).
   */
  public static final double DEFAULT_DUPLICATE_THRESHOLD = 0.88;

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(EMBEDDER, Type.STRING, "perceptual", Importance.HIGH,
          "Embedder that produces this vector: perceptual (pure Java, built for near-duplicates).")
      .define(DUPLICATE_THRESHOLD, Type.DOUBLE, DEFAULT_DUPLICATE_THRESHOLD, Range.between(-1.0, 1.0), Importance.HIGH,
          "Cosine similarity at or above which two images of a tenant are near-duplicates.")
      .define(DUPLICATES_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
          "Emit NearDuplicateDetected events for this vector.")
      .define(RECOMMEND_K, Type.INT, 10, Range.between(0, 1000), Importance.MEDIUM,
          "Length of each image's recommendation list (0: no Recommendations events).")
      .define(RECOMMEND_MIN_SCORE, Type.DOUBLE, -1.0, Range.between(-1.0, 1.0), Importance.MEDIUM,
          "Images below this similarity are never recommended (-1: lists always hold k images when the tenant has them).")
      .define(MAX_DUPLICATES_PER_IMAGE, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
          "Most duplicate pairs reported for one new image (guards against a flood of identical uploads).");

  private final String name;

  public VectorConfig(String name, Map<String, ?> values) {
    super(CONFIG_DEF, values, false);
    this.name = name;
  }

  public String name() { return name; }
  public String embedder() { return getString(EMBEDDER); }
  public float duplicateThreshold() { return getDouble(DUPLICATE_THRESHOLD).floatValue(); }
  public boolean duplicatesEnabled() { return getBoolean(DUPLICATES_ENABLED); }
  public int recommendK() { return getInt(RECOMMEND_K); }
  public float recommendMinScore() { return getDouble(RECOMMEND_MIN_SCORE).floatValue(); }
  public int maxDuplicatesPerImage() { return getInt(MAX_DUPLICATES_PER_IMAGE); }
}
