package dev.lookalike.server.cli;

import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds {@link ImageUploaded} events; the image id is also the record key. */
public final class UploadEvents {

  private UploadEvents() {}

  /** What every event of one batch shares. */
  public record Metadata(String tenant, List<String> tags, Map<String, String> attributes) {
    public Metadata {
      tags = List.copyOf(tags);
      attributes = Map.copyOf(attributes);
    }
  }

  /** An event carrying the image bytes inline. */
  public static ImageUploaded inline(String id, byte[] data, String contentType, Metadata metadata, Instant uploadedAt) {
    ImageSource source = ImageSource.newBuilder().setData(ByteBuffer.wrap(data)).setContentType(contentType).build();
    return event(id, source, metadata, uploadedAt);
  }

  /** An event the service resolves by fetching {@code url}. */
  public static ImageUploaded url(String id, String url, Metadata metadata, Instant uploadedAt) {
    return event(id, ImageSource.newBuilder().setUrl(url).build(), metadata, uploadedAt);
  }

  private static ImageUploaded event(String id, ImageSource source, Metadata metadata, Instant uploadedAt) {
    return ImageUploaded.newBuilder()
        .setImageId(id)
        .setTenant(metadata.tenant())
        .setSource(source)
        .setTags(metadata.tags())
        .setAttributes(metadata.attributes())
        .setUploadedAt(uploadedAt)
        .build();
  }
}
