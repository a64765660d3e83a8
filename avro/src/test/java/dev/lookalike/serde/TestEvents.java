package dev.lookalike.serde;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import org.apache.avro.Schema;

/** Sample events and schema versions shared by the serde tests. */
public final class TestEvents {
    /**
     * ImageUploaded as it was before {@code attributes} was added: what an old producer
     * still writes. Same name and namespace, so the current class can resolve it.
     */
    public static final Schema IMAGE_UPLOADED_V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "ImageUploaded", "namespace": "dev.lookalike.avro", "fields": [
              {"name": "imageId", "type": "string"},
              {"name": "tenant", "type": "string", "default": "default"},
              {"name": "source", "type": {"type": "record", "name": "ImageSource", "fields": [
                {"name": "url", "type": ["null", "string"], "default": null},
                {"name": "data", "type": ["null", "bytes"], "default": null},
                {"name": "contentType", "type": ["null", "string"], "default": null}]}},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "uploadedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
            ]}""");

    /** A record of the same name that the current ImageUploaded cannot read: no imageId, no source. */
    public static final Schema IMAGE_UPLOADED_INCOMPATIBLE = new Schema.Parser().parse("""
            {"type": "record", "name": "ImageUploaded", "namespace": "dev.lookalike.avro", "fields": [
              {"name": "legacyId", "type": "long"}
            ]}""");

    private TestEvents() {
    }

    public static ImageUploaded upload(String imageId) {
        return ImageUploaded.newBuilder()
                .setImageId(imageId)
                .setTenant("acme")
                .setSource(ImageSource.newBuilder()
                        .setData(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                        .setContentType("image/png")
                        .build())
                .setTags(List.of("cat", "outdoor"))
                .setAttributes(Map.of("camera", "x100"))
                .setUploadedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .build();
    }
}
