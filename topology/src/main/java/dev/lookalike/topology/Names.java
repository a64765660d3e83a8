package dev.lookalike.topology;

/**
 * Names of every processor and state store. They are part of the deployed application (stores
 * name their changelog topics), so they are constants and never derived from topology shape.
 */
public final class Names {

  private Names() {}

  // Embed stage, partitioned by image id.
  public static final String UPLOADS_SOURCE = "uploads-source";
  public static final String UPLOAD_PROCESSOR = "upload-processor";
  public static final String CONTENT_RESULTS_SOURCE = "content-results-source";
  public static final String CONTENT_RESULT_PROCESSOR = "content-result-processor";
  public static final String IMAGE_STATUS_STORE = "image-status";

  // Content stage, partitioned by content hash: identical bytes are embedded once.
  public static final String CONTENT_REQUESTS_SOURCE = "content-requests-source";
  public static final String CONTENT_PROCESSOR = "content-processor";
  public static final String CONTENT_CACHE_STORE = "content-cache";
  /** Thumbnails by content hash, next to the content cache: made once per distinct content. */
  public static final String CONTENT_THUMBNAILS_STORE = "content-thumbnails";

  // Match stage, partitioned by image id.
  public static final String EMBEDDED_SOURCE = "embedded-source";
  public static final String EMBEDDED_PROCESSOR = "embedded-processor";
  public static final String MATCH_SOURCE = "match-source";
  public static final String MATCH_PROCESSOR = "match-processor";
  public static final String PARTIALS_SOURCE = "partials-source";
  public static final String PARTIALS_PROCESSOR = "partials-processor";

  // Sinks.
  public static final String CONTENT_REQUESTS_SINK = "content-requests-sink";
  public static final String CONTENT_RESULTS_SINK = "content-results-sink";
  public static final String EMBEDDED_SINK = "embedded-sink";
  public static final String MATCH_SINK = "match-sink";
  public static final String PARTIALS_SINK = "partials-sink";
  public static final String NEAR_DUPLICATES_SINK = "near-duplicates-sink";
  public static final String RECOMMENDATIONS_SINK = "recommendations-sink";
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";

  /** The vector store of a named vector. */
  public static String vectorStore(String vectorName) {
    return "vectors-" + vectorName;
  }

  /** Deleted image versions of a named vector, so late messages cannot resurrect them. */
  public static String deletedStore(String vectorName) {
    return "deleted-" + vectorName;
  }

  /**
   * The changelog topic Kafka Streams keeps for a store of this application (its naming rule,
   * {@code <application.id>-<store>-changelog}; Kafka exposes it only in an internal class).
   */
  public static String changelogTopic(String applicationId, String storeName) {
    return applicationId + "-" + storeName + "-changelog";
  }

  /** The neighbour lists and emitted pairs of a named vector. */
  public static String neighborStore(String vectorName) {
    return "neighbors-" + vectorName;
  }
}
