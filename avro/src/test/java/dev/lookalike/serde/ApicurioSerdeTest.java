package dev.lookalike.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serde through the real Apicurio registry: what producers in other languages see. */
class ApicurioSerdeTest {
    private final String url = ApicurioRegistry.shared().ccompatUrl();
    private final RestSchemaRegistryClient producerSide = new RestSchemaRegistryClient(url);
    private final RestSchemaRegistryClient consumerSide = new RestSchemaRegistryClient(url);
    private final String topic = "uploads-" + UUID.randomUUID();

    @AfterEach
    void closeClients() {
        producerSide.close();
        consumerSide.close();
    }

    @Test
    void roundTripsThroughTheRealRegistry() {
        var serializer = new ConfluentAvroSerializer<>(producerSide, ImageUploaded.class, false, true);
        var deserializer = new ConfluentAvroDeserializer<>(consumerSide, ImageUploaded.class);
        ImageUploaded event = TestEvents.upload("img-1");

        byte[] bytes = serializer.serialize(topic, event);

        assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(event);
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(consumerSide.latest(topic + "-value").id());
    }

    @Test
    void newReadersDecodeOldProducersRecords() throws Exception {
        int oldId = producerSide.register(topic + "-value", TestEvents.IMAGE_UPLOADED_V1);
        GenericRecord old = new GenericData.Record(TestEvents.IMAGE_UPLOADED_V1);
        GenericRecord source = new GenericData.Record(TestEvents.IMAGE_UPLOADED_V1.getField("source").schema());
        source.put("url", "https://example.com/a.png");
        old.put("imageId", "img-old");
        old.put("tenant", "acme");
        old.put("source", source);
        old.put("tags", List.of());
        old.put("uploadedAt", 1_000L);
        // The current schema is a compatible next version of the same subject.
        var serializer = new ConfluentAvroSerializer<>(producerSide, ImageUploaded.class, false, true);
        byte[] current = serializer.serialize(topic, TestEvents.upload("img-new"));
        assertThat(ConfluentWireFormat.schemaId(current)).isNotEqualTo(oldId);
        assertThat(consumerSide.latest(topic + "-value").version()).isEqualTo(2);

        var deserializer = new ConfluentAvroDeserializer<>(consumerSide, ImageUploaded.class);
        ImageUploaded read = deserializer.deserialize(topic, ConfluentAvroSerdeTest.framed(oldId, TestEvents.IMAGE_UPLOADED_V1, old));

        assertThat(read.getImageId()).isEqualTo("img-old");
        assertThat(read.getAttributes()).isEmpty();
        assertThat(read.getUploadedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
        assertThat(deserializer.deserialize(topic, current).getImageId()).isEqualTo("img-new");
    }

    /**
     * A producer in another language has the .avsc file, not our generated class: looking the file's
     * text up under the subject must find what the service registered (it answered 40403 while the
     * service registered the Java text, with its avro.java.string properties), and a producer that
     * registers the file must get the same id, not a second version.
     */
    @Test
    void theAvscFileAsOtherLanguagesSendItFindsTheRegisteredSchema() throws Exception {
        var serializer = new ConfluentAvroSerializer<>(producerSide, ImageUploaded.class, false, true);
        int id = ConfluentWireFormat.schemaId(serializer.serialize(topic, TestEvents.upload("img-1")));
        String avsc = Files.readString(Path.of("src/main/avro/events/ImageUploaded.avsc"));
        String body = new ObjectMapper().writeValueAsString(Map.of("schema", avsc));
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> lookup = http.send(post("/subjects/" + topic + "-value", body), HttpResponse.BodyHandlers.ofString());
        assertThat(lookup.statusCode()).as(lookup.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(lookup.body()).path("id").asInt()).isEqualTo(id);

        HttpResponse<String> register = http.send(post("/subjects/" + topic + "-value/versions", body), HttpResponse.BodyHandlers.ofString());
        assertThat(new ObjectMapper().readTree(register.body()).path("id").asInt()).as(register.body()).isEqualTo(id);
        assertThat(consumerSide.latest(topic + "-value").version()).isEqualTo(1);
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("content-type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void unknownSchemaIdsAreReportedAsSuch() {
        var deserializer = new ConfluentAvroDeserializer<>(consumerSide, ImageUploaded.class);
        byte[] bytes = ConfluentWireFormat.header(876_543);

        assertThatThrownBy(() -> deserializer.deserialize(topic, bytes))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SCHEMA_ID));
    }
}
