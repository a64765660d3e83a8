package dev.lookalike.topology.deadletter;

/** Reasons of dead letters that the topology itself decides (decoders bring their own codes). */
public final class ErrorCodes {

  private ErrorCodes() {}

  public static final String MALFORMED_EVENT = "MALFORMED_EVENT";
  public static final String INVALID_EVENT = "INVALID_EVENT";
  public static final String MISSING_KEY = "MISSING_KEY";
  public static final String KEY_MISMATCH = "KEY_MISMATCH";
  /** The id is held by another tenant's image: ids are the topic key, unique across tenants. */
  public static final String IMAGE_ID_TAKEN = "IMAGE_ID_TAKEN";
  public static final String IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE";
  public static final String EMBEDDING_FAILED = "EMBEDDING_FAILED";
  public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
}
