package dev.lookalike.topology.deadletter;

import dev.lookalike.embedding.hosted.ProviderErrorCode;
import dev.lookalike.embedding.image.ImageErrorCode;
import dev.lookalike.serde.EventDecodingException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

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

  /** Every reason a dead letter can carry: the topology's own, the decoder's, the image loader's and the providers'. */
  public static List<String> all() {
    Stream<String> own = Stream.of(MALFORMED_EVENT, INVALID_EVENT, MISSING_KEY, KEY_MISMATCH, IMAGE_ID_TAKEN, IMAGE_TOO_LARGE,
        EMBEDDING_FAILED, INTERNAL_ERROR);
    Stream<String> decoder = Arrays.stream(EventDecodingException.ErrorCode.values()).map(Enum::name);
    Stream<String> images = Arrays.stream(ImageErrorCode.values()).map(Enum::name);
    Stream<String> providers = Arrays.stream(ProviderErrorCode.values()).map(Enum::name);
    return Stream.of(own, decoder, images, providers).flatMap(codes -> codes).distinct().sorted().toList();
  }
}
