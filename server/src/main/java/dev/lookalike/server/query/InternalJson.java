package dev.lookalike.server.query;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.topology.store.IndexedImage;
import java.util.List;
import java.util.Map;

/**
 * The JSON mapper of the instance-to-instance API. {@link IndexedImage} is a plain class of the
 * topology module (it carries a stream-thread cache that must not travel), so its wire shape is
 * given here, by a mix-in: the seven values, as when it was a record.
 */
public final class InternalJson {

  private InternalJson() {}

  /** A mapper that writes and reads search hits between instances. */
  public static ObjectMapper mapper() {
    return new ObjectMapper().addMixIn(IndexedImage.class, IndexedImageShape.class);
  }

  @SuppressWarnings("unused") // read by Jackson
  abstract static class IndexedImageShape {
    @JsonCreator
    IndexedImageShape(@JsonProperty("imageId") String imageId, @JsonProperty("tenant") String tenant,
                      @JsonProperty("uploadedAt") long uploadedAt, @JsonProperty("version") long version,
                      @JsonProperty("contentHash") String contentHash, @JsonProperty("tags") List<String> tags,
                      @JsonProperty("attributes") Map<String, String> attributes) {}

    @JsonProperty("imageId") abstract String imageId();

    @JsonProperty("tenant") abstract String tenant();

    @JsonProperty("uploadedAt") abstract long uploadedAt();

    @JsonProperty("version") abstract long version();

    @JsonProperty("contentHash") abstract String contentHash();

    @JsonProperty("tags") abstract List<String> tags();

    @JsonProperty("attributes") abstract Map<String, String> attributes();
  }
}
