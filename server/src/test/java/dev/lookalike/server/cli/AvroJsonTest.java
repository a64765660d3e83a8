package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.server.cli.UploadEvents.Metadata;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

  private static final Instant AT = Instant.parse("2026-11-02T10:15:30Z");

  @Test
  void uploadsShowBytesAsBase64AndTimesAsIso() {
    ImageUploaded upload = UploadEvents.inline("cat", new byte[] {1, 2, 3}, "image/png",
        new Metadata("acme", List.of("pets"), Map.of("owner", "ann")), AT);

    JsonNode json = new AvroJson(false).record(upload);

    assertThat(json.get("imageId").asText()).isEqualTo("cat");
    assertThat(json.get("tenant").asText()).isEqualTo("acme");
    assertThat(json.at("/source/data").asText()).isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
    assertThat(json.at("/source/url").isNull()).isTrue();
    assertThat(json.at("/tags/0").asText()).isEqualTo("pets");
    assertThat(json.at("/attributes/owner").asText()).isEqualTo("ann");
    assertThat(json.get("uploadedAt").asText()).isEqualTo("2026-11-02T10:15:30Z");
  }

  @Test
  void anInlineImageShowsOnlyItsLengthUnlessFull() {
    byte[] image = new byte[50_000];
    ImageUploaded upload = UploadEvents.inline("cat", image, "image/png", new Metadata("acme", List.of(), Map.of()), AT);

    assertThat(new AvroJson(false).record(upload).at("/source/data/length").asInt()).isEqualTo(50_000);
    assertThat(new AvroJson(true).record(upload).at("/source/data").asText()).isEqualTo(Base64.getEncoder().encodeToString(image));
  }

  @Test
  void vectorsAreAbridgedUnlessFull() {
    List<Float> vector = Collections.nCopies(512, 0.25f);
    ImageEmbedded embedded = ImageEmbedded.newBuilder().setImageId("cat").setTenant("default")
        .setVectors(List.of(new NamedVector("perceptual", "perceptual-v1", 512, vector)))
        .setContentHash("ab").setWidth(4).setHeight(3).setFormat("png").setUploadedAt(AT).build();

    assertThat(new AvroJson(false).record(embedded).at("/vectors/0/vector").asText())
        .isEqualTo("[0.2500, 0.2500, 0.2500, 0.2500, ... 508 more]");
    assertThat(new AvroJson(true).record(embedded).at("/vectors/0/vector").size()).isEqualTo(512);
  }

  @Test
  void deadLettersShowOnlyTheLengthOfTheOriginal() {
    DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("images.uploaded").setSourcePartition(1)
        .setSourceOffset(7).setKey("cat").setErrorCode("UNDECODABLE_IMAGE").setMessage("not an image")
        .setRetriable(false).setOriginalValue(ByteBuffer.wrap(new byte[1234])).setFailedAt(AT).build();

    JsonNode json = new AvroJson(false).record(letter);

    assertThat(json.at("/originalValue/length").asInt()).isEqualTo(1234);
    assertThat(json.get("errorCode").asText()).isEqualTo("UNDECODABLE_IMAGE");
    assertThat(json.get("failedAt").asText()).isEqualTo("2026-11-02T10:15:30Z");
  }

  @Test
  void genericRecordsRenderLikeGeneratedOnes() throws Exception {
    ImageUploaded upload = UploadEvents.url("cat", "https://example.com/cat.jpg",
        new Metadata("default", List.of(), Map.of()), AT);
    GenericRecord generic = roundTripAsGeneric(upload);

    assertThat(new AvroJson(false).record(generic)).isEqualTo(new AvroJson(false).record(upload));
  }

  private static GenericRecord roundTripAsGeneric(ImageUploaded upload) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(ImageUploaded.getClassSchema()).write(upload, encoder);
    encoder.flush();
    var reader = new GenericDatumReader<GenericRecord>(ImageUploaded.getClassSchema(), ImageUploaded.getClassSchema(),
        new GenericData());
    return reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }
}
