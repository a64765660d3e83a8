package dev.lookalike.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
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

  // The vector store's index.
  public static final String INDEX = "index";
  public static final String INDEX_M = "index.m";
  public static final String INDEX_EF_CONSTRUCTION = "index.ef.construction";
  public static final String INDEX_EF_SEARCH = "index.ef.search";
  public static final String INDEX_EF_DUPLICATES = "index.ef.duplicates";
  public static final String INDEX_EXACT_BELOW = "index.exact.below";
  public static final String INDEX_FLOATS_OFF_HEAP = "index.floats.off.heap";
  public static final String INDEX_SNAPSHOT_INTERVAL_MS = "index.snapshot.interval.ms";

  // ONNX image models (embedder=onnx).
  public static final String MODEL_PATH = "model.path";
  public static final String INPUT_NAME = "input.name";
  public static final String OUTPUT_NAME = "output.name";
  public static final String INPUT_WIDTH = "input.width";
  public static final String INPUT_HEIGHT = "input.height";
  public static final String INPUT_LAYOUT = "input.layout";
  public static final String CHANNEL_ORDER = "channel.order";
  public static final String PIXEL_SCALE = "pixel.scale";
  public static final String MEAN = "mean";
  public static final String STD = "std";
  public static final String RESIZE = "resize";
  public static final String INTRA_OP_THREADS = "intra.op.threads";
  public static final String BATCH_SIZE = "batch.size";

  // CLIP-style text tower (embedder=clip; the image tower uses the onnx keys above).
  public static final String TEXT_MODEL_PATH = "text.model.path";
  public static final String TOKENIZER_PATH = "tokenizer.path";
  public static final String TEXT_OUTPUT_NAME = "text.output.name";
  public static final String TEXT_ATTENTION_MASK = "text.attention.mask";
  public static final String TEXT_MAX_LENGTH = "text.max.length";

  // Hosted APIs (embedder=azure-vision, foundry, coreviz).
  public static final String ENDPOINT = "endpoint";
  public static final String API_KEY = "api.key";
  public static final String API_VERSION = "api.version";
  public static final String MODEL = "model";
  public static final String DIMENSIONS = "dimensions";
  public static final String AUTH = "auth";
  public static final String TIMEOUT_MS = "timeout.ms";

  /**
   * Default near-duplicate threshold of the perceptual embedder, calibrated on the generated
   * near-duplicate benchmark (bench/results/near-duplicate-calibration.md).
   */
  public static final double DEFAULT_DUPLICATE_THRESHOLD = 0.88;

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(EMBEDDER, Type.STRING, "perceptual",
          ConfigDef.ValidString.in("perceptual", "onnx", "clip", "azure-vision", "foundry", "coreviz"), Importance.HIGH,
          "Embedder that produces this vector: perceptual (pure Java, built for near-duplicates), onnx (an ONNX image "
              + "model), clip (ONNX image and text towers: text search), or a hosted API: azure-vision, foundry, coreviz.")
      .define(DUPLICATE_THRESHOLD, Type.DOUBLE, DEFAULT_DUPLICATE_THRESHOLD, Range.between(-1.0, 1.0), Importance.HIGH,
          "Cosine similarity at or above which two images of a tenant are near-duplicates.")
      .define(DUPLICATES_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
          "Emit NearDuplicateDetected events for this vector.")
      .define(RECOMMEND_K, Type.INT, 10, Range.between(0, 1000), Importance.MEDIUM,
          "Length of each image's recommendation list (0: no Recommendations events).")
      .define(RECOMMEND_MIN_SCORE, Type.DOUBLE, -1.0, Range.between(-1.0, 1.0), Importance.MEDIUM,
          "Images below this similarity are never recommended (-1: lists always hold k images when the tenant has them).")
      .define(MAX_DUPLICATES_PER_IMAGE, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
          "Most duplicate pairs reported for one new image (guards against a flood of identical uploads).")
      .define(INDEX, Type.STRING, "hnsw", ConfigDef.ValidString.in("hnsw", "exact"), Importance.MEDIUM,
          "Search structure of the vector store: hnsw (a graph over int8 codes, candidates rescored with the float vectors; "
              + "tenants below index.exact.below vectors are scanned exactly) or exact (always a full scan).")
      .define(INDEX_M, Type.INT, 16, Range.between(2, 128), Importance.LOW,
          "hnsw: links per node (twice that on the bottom layer). More: better recall, more memory (4 bytes x 2m per vector).")
      .define(INDEX_EF_CONSTRUCTION, Type.INT, 100, Range.between(2, 4096), Importance.LOW,
          "hnsw: candidates considered when linking a new vector. More: a better graph, slower inserts.")
      .define(INDEX_EF_SEARCH, Type.INT, 64, Range.between(1, 4096), Importance.LOW,
          "hnsw: candidates kept by a top-k search (at least k). More: better recall, slower queries.")
      .define(INDEX_EF_DUPLICATES, Type.INT, 256, Range.between(1, 4096), Importance.LOW,
          "hnsw: candidates kept by the match stage's searches, which must find every image above the duplicate threshold; "
              + "they also widen by themselves while their worst candidate is near the threshold. 256 measured pair recall "
              + "0.999+ against an exact scan (bench/results/pair-recall.md).")
      .define(INDEX_EXACT_BELOW, Type.INT, 10_000, Range.atLeast(0), Importance.LOW,
          "hnsw: a tenant with fewer vectors than this in one partition's store is scanned exactly (exact results, and cheap at that size).")
      .define(INDEX_FLOATS_OFF_HEAP, Type.BOOLEAN, false, Importance.LOW,
          "hnsw: keep the float vectors (read only to rescore candidates) in memory-mapped temp files instead of the heap: "
              + "the heap then holds ~0.7 KB per 512-d vector instead of ~2.7 KB.")
      .define(INDEX_SNAPSHOT_INTERVAL_MS, Type.LONG, 300_000L, Importance.LOW,
          "hnsw: how often each store saves its graph beside its task directory (and always on close), so a restart loads it "
              + "instead of re-inserting every vector; the changelog is still replayed over it and decides. Negative: never.")
      .define(MODEL_PATH, Type.STRING, "", Importance.HIGH, "onnx: path of the .onnx image model.")
      .define(INPUT_NAME, Type.STRING, "", Importance.MEDIUM, "onnx: input tensor name (empty: the model's only input).")
      .define(OUTPUT_NAME, Type.STRING, "", Importance.MEDIUM, "onnx: output tensor used as the embedding (empty: the model's only output).")
      .define(INPUT_WIDTH, Type.INT, 224, Range.between(1, 8192), Importance.MEDIUM, "onnx: input width in pixels.")
      .define(INPUT_HEIGHT, Type.INT, 224, Range.between(1, 8192), Importance.MEDIUM, "onnx: input height in pixels.")
      .define(INPUT_LAYOUT, Type.STRING, "NCHW", ConfigDef.ValidString.in("NCHW", "NHWC"), Importance.MEDIUM, "onnx: tensor layout.")
      .define(CHANNEL_ORDER, Type.STRING, "RGB", ConfigDef.ValidString.in("RGB", "BGR"), Importance.MEDIUM, "onnx: channel order.")
      .define(PIXEL_SCALE, Type.DOUBLE, 1.0 / 255, Importance.MEDIUM,
          "onnx: factor applied to 0..255 pixel values before mean/std (1 keeps 0..255).")
      .define(MEAN, Type.LIST, "0.485,0.456,0.406", Importance.MEDIUM, "onnx: per-channel mean, in R,G,B order, subtracted after scaling.")
      .define(STD, Type.LIST, "0.229,0.224,0.225", Importance.MEDIUM, "onnx: per-channel std, in R,G,B order, divided after the mean.")
      .define(RESIZE, Type.STRING, "STRETCH", ConfigDef.ValidString.in("STRETCH", "CENTER_CROP", "LETTERBOX"), Importance.LOW,
          "onnx: how the image is fitted to the input size.")
      .define(INTRA_OP_THREADS, Type.INT, 1, Range.between(1, 64), Importance.LOW, "onnx: ONNX Runtime intra-op threads.")
      .define(BATCH_SIZE, Type.INT, 16, Range.between(1, 1024), Importance.LOW,
          "onnx: images per run when the model's batch dimension is dynamic.")
      .define(TEXT_MODEL_PATH, Type.STRING, "", Importance.HIGH, "clip: path of the .onnx text tower (input_ids -> text_embeds).")
      .define(TOKENIZER_PATH, Type.STRING, "", Importance.HIGH, "clip: the Hugging Face tokenizer.json of the text tower (or its folder).")
      .define(TEXT_OUTPUT_NAME, Type.STRING, "text_embeds", Importance.MEDIUM,
          "clip: text output in the image space (text_embeds; pooler_output is before the projection and does not match images).")
      .define(TEXT_ATTENTION_MASK, Type.BOOLEAN, true, Importance.LOW, "clip: whether the text tower takes an attention_mask input.")
      .define(TEXT_MAX_LENGTH, Type.INT, 77, Range.between(1, 65536), Importance.LOW, "clip: tokens per text (77 for CLIP).")
      .define(ENDPOINT, Type.STRING, "", Importance.HIGH,
          "hosted: the provider's base URL, e.g. https://<resource>.cognitiveservices.azure.com.")
      .define(API_KEY, Type.PASSWORD, "", Importance.HIGH, "hosted: the provider's key (never logged).")
      .define(API_VERSION, Type.STRING, "", Importance.LOW, "hosted: api-version query parameter (empty: the provider default).")
      .define(MODEL, Type.STRING, "", Importance.MEDIUM, "hosted: model name (foundry, coreviz) or model-version (azure-vision).")
      .define(DIMENSIONS, Type.INT, 0, Range.atLeast(0), Importance.LOW, "hosted: expected vector length (0: learned from the first answer).")
      .define(AUTH, Type.STRING, "api-key", ConfigDef.ValidString.in("api-key", "bearer"), Importance.LOW,
          "foundry: send the key as an api-key header or as Authorization: Bearer.")
      .define(TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
          "hosted: overall deadline of one embedding call, retries included.");

  private static final String VECTOR_KEY_PREFIX = "vector.";

  private final String name;

  public VectorConfig(String name, Map<String, ?> values) {
    super(CONFIG_DEF, values, false);
    this.name = name;
  }

  public String name() { return name; }
  public String embedder() { return getString(EMBEDDER); }
  /** A hosted API computes this vector: every new image costs a network call of up to {@link #timeoutMs()}. */
  public boolean hosted() { return java.util.Set.of("azure-vision", "foundry", "coreviz").contains(embedder()); }
  public float duplicateThreshold() { return getDouble(DUPLICATE_THRESHOLD).floatValue(); }
  public boolean duplicatesEnabled() { return getBoolean(DUPLICATES_ENABLED); }
  public int recommendK() { return getInt(RECOMMEND_K); }
  public float recommendMinScore() { return getDouble(RECOMMEND_MIN_SCORE).floatValue(); }
  public int maxDuplicatesPerImage() { return getInt(MAX_DUPLICATES_PER_IMAGE); }
  public String index() { return getString(INDEX); }
  public int indexM() { return getInt(INDEX_M); }
  public int indexEfConstruction() { return getInt(INDEX_EF_CONSTRUCTION); }
  public int indexEfSearch() { return getInt(INDEX_EF_SEARCH); }
  public int indexEfDuplicates() { return getInt(INDEX_EF_DUPLICATES); }
  public int indexExactBelow() { return getInt(INDEX_EXACT_BELOW); }
  public boolean indexFloatsOffHeap() { return getBoolean(INDEX_FLOATS_OFF_HEAP); }
  public long indexSnapshotIntervalMs() { return getLong(INDEX_SNAPSHOT_INTERVAL_MS); }
  public String modelPath() { return getString(MODEL_PATH); }
  public String inputName() { return getString(INPUT_NAME); }
  public String outputName() { return getString(OUTPUT_NAME); }
  public int inputWidth() { return getInt(INPUT_WIDTH); }
  public int inputHeight() { return getInt(INPUT_HEIGHT); }
  public String inputLayout() { return getString(INPUT_LAYOUT); }
  public String channelOrder() { return getString(CHANNEL_ORDER); }
  public double pixelScale() { return getDouble(PIXEL_SCALE); }
  public float[] mean() { return rgb(MEAN); }
  public float[] std() { return rgb(STD); }
  public String resize() { return getString(RESIZE); }
  public int intraOpThreads() { return getInt(INTRA_OP_THREADS); }
  public int batchSize() { return getInt(BATCH_SIZE); }
  public String textModelPath() { return getString(TEXT_MODEL_PATH); }
  public String tokenizerPath() { return getString(TOKENIZER_PATH); }
  public String textOutputName() { return getString(TEXT_OUTPUT_NAME); }
  public boolean textAttentionMask() { return getBoolean(TEXT_ATTENTION_MASK); }
  public int textMaxLength() { return getInt(TEXT_MAX_LENGTH); }

  /** True when the key was given (not defaulted): presets fill in only what the user left out. */
  public boolean isSet(String key) { return originals().containsKey(key); }
  public String endpoint() { return getString(ENDPOINT); }
  public String apiKey() { return getPassword(API_KEY).value(); }
  public String apiVersion() { return getString(API_VERSION); }
  public String model() { return getString(MODEL); }
  public int dimensions() { return getInt(DIMENSIONS); }
  public String auth() { return getString(AUTH); }
  public long timeoutMs() { return getLong(TIMEOUT_MS); }

  private float[] rgb(String key) {
    List<String> values = getList(key);
    if (values.size() != 3) throw new ConfigException(VECTOR_KEY_PREFIX + name + "." + key, values, "needs 3 values (R,G,B)");
    float[] out = new float[3];
    for (int i = 0; i < 3; i++) {
      try {
        out[i] = Float.parseFloat(values.get(i).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(VECTOR_KEY_PREFIX + name + "." + key, values, "values must be numbers");
      }
    }
    return out;
  }
}
