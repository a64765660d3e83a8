package dev.lookalike.topology.embed;

import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.topology.deadletter.ErrorCodes;
import java.util.Map;
import java.util.Optional;

/** Checks an upload event before any work is spent on it. */
public final class UploadValidator {

  public static final int MAX_ID_LENGTH = 512;
  public static final int MAX_TENANT_LENGTH = 128;
  public static final int MAX_TAGS = 100;
  public static final int MAX_TAG_LENGTH = 256;
  public static final int MAX_ATTRIBUTES = 100;
  public static final int MAX_URL_LENGTH = 8192;

  private UploadValidator() {}

  /** A problem found in an event: a stable code and a message for people. */
  public record Problem(String code, String message) {}

  public static Optional<Problem> validate(String key, ImageUploaded upload) {
    String id = upload.getImageId();
    if (!isPrintable(id, MAX_ID_LENGTH)) return invalid("imageId must be 1-" + MAX_ID_LENGTH + " printable characters");
    if (key != null && !key.equals(id)) {
      return Optional.of(new Problem(ErrorCodes.KEY_MISMATCH, "record key '" + abbreviate(key) + "' differs from imageId '" + abbreviate(id) + "'"));
    }
    if (!isPrintable(upload.getTenant(), MAX_TENANT_LENGTH)) return invalid("tenant must be 1-" + MAX_TENANT_LENGTH + " printable characters");
    ImageSource source = upload.getSource();
    boolean hasUrl = source.getUrl() != null;
    boolean hasData = source.getData() != null;
    if (hasUrl == hasData) return invalid("source must have exactly one of url or data");
    if (hasUrl && (source.getUrl().isBlank() || source.getUrl().length() > MAX_URL_LENGTH)) {
      return invalid("source.url must be 1-" + MAX_URL_LENGTH + " characters");
    }
    if (upload.getTags().size() > MAX_TAGS) return invalid("at most " + MAX_TAGS + " tags");
    for (String tag : upload.getTags()) {
      if (!isPrintable(tag, MAX_TAG_LENGTH)) return invalid("tags must be 1-" + MAX_TAG_LENGTH + " printable characters");
    }
    if (upload.getAttributes().size() > MAX_ATTRIBUTES) return invalid("at most " + MAX_ATTRIBUTES + " attributes");
    for (Map.Entry<String, String> e : upload.getAttributes().entrySet()) {
      if (!isPrintable(e.getKey(), MAX_TAG_LENGTH) || e.getValue().length() > 4 * MAX_TAG_LENGTH) {
        return invalid("attribute names must be 1-" + MAX_TAG_LENGTH + " printable characters, values at most " + 4 * MAX_TAG_LENGTH);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the event names its image and tenant validly, whatever else is wrong with it: then its
   * owner can be told, by the image's status, why it was not processed.
   */
  public static boolean identifiesItsImage(String key, ImageUploaded upload) {
    return isPrintable(upload.getImageId(), MAX_ID_LENGTH) && (key == null || key.equals(upload.getImageId()))
        && isPrintable(upload.getTenant(), MAX_TENANT_LENGTH);
  }

  private static Optional<Problem> invalid(String message) {
    return Optional.of(new Problem(ErrorCodes.INVALID_EVENT, message));
  }

  static boolean isPrintable(String s, int maxLength) {
    if (s == null || s.isEmpty() || s.length() > maxLength) return false;
    return s.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0xFFFD);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
