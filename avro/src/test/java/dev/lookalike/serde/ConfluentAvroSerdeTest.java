package dev.lookalike.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.registry.SchemaRegistryClient;
import dev.lookalike.registry.SchemaRegistryException;
import dev.lookalike.registry.SchemaVersion;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
    private static final String TOPIC = "images.uploaded";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final ConfluentAvroSerde<ImageUploaded> serde = new ConfluentAvroSerde<>(registry, ImageUploaded.class, false, true);

    @Test
    void writesMagicByteSchemaIdAndPlainAvroBody() throws Exception {
        ImageUploaded event = TestEvents.upload("img-1");

        byte[] bytes = serde.serializer().serialize(TOPIC, event);

        // Registered as the .avsc file declares it, without the generated class's Java-only string properties.
        int id = registry.lookup(TOPIC + "-value", SpecificSchemas.portable(ImageUploaded.getClassSchema())).orElseThrow();
        assertThat(registry.getById(id).toString()).doesNotContain("avro.java.string");
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        var reader = new SpecificDatumReader<ImageUploaded>(ImageUploaded.getClassSchema());
        var decoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        assertThat(reader.read(null, decoder)).isEqualTo(event);
    }

    @Test
    void roundTripsEveryField() {
        ImageUploaded event = TestEvents.upload("img-2");

        ImageUploaded back = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, event));

        assertThat(back).isEqualTo(event);
        assertThat(back.getUploadedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(back.getAttributes()).containsEntry("camera", "x100");
        assertThat(back.getSource().getData()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
    }

    @Test
    void tombstonesStayNull() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void keySerdeUsesTheKeySubject() {
        var keySerde = new ConfluentAvroSerde<>(registry, ImageUploaded.class, true, true);

        keySerde.serializer().serialize(TOPIC, TestEvents.upload("img-3"));

        assertThat(registry.latest(TOPIC + "-key").version()).isEqualTo(1);
        assertThat(registry.lookup(TOPIC + "-value", ImageUploaded.getClassSchema())).isEmpty();
    }

    @Test
    void withoutAutoRegisterOnlyLooksUp() {
        var strict = new ConfluentAvroSerializer<>(registry, ImageUploaded.class, false, false);
        assertThatThrownBy(() -> strict.serialize(TOPIC, TestEvents.upload("img-4")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not registered under subject images.uploaded-value");

        int id = registry.register(TOPIC + "-value", SpecificSchemas.portable(ImageUploaded.getClassSchema()));

        byte[] bytes = strict.serialize(TOPIC, TestEvents.upload("img-4"));
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(id);
        assertThat(registry.latest(TOPIC + "-value").version()).isEqualTo(1);
    }

    @Test
    void withoutAutoRegisterASubjectRegisteredByAnEarlierVersionIsStillFound() {
        // Earlier versions registered the generated class's text, with its avro.java.string properties.
        InMemorySchemaRegistryClient locked = new InMemorySchemaRegistryClient();
        int id = locked.register(TOPIC + "-value", ImageUploaded.getClassSchema());
        var strict = new ConfluentAvroSerializer<>(locked, ImageUploaded.class, false, false);

        assertThat(ConfluentWireFormat.schemaId(strict.serialize(TOPIC, TestEvents.upload("img-5")))).isEqualTo(id);
    }

    @Test
    void readsEventsWrittenWithAnOlderSchemaVersion() throws Exception {
        int oldId = registry.register(TOPIC + "-value", TestEvents.IMAGE_UPLOADED_V1);
        GenericRecord old = new GenericData.Record(TestEvents.IMAGE_UPLOADED_V1);
        GenericRecord source = new GenericData.Record(TestEvents.IMAGE_UPLOADED_V1.getField("source").schema());
        source.put("url", "https://example.com/cat.png");
        old.put("imageId", "img-old");
        old.put("tenant", "acme");
        old.put("source", source);
        old.put("tags", List.of("legacy"));
        old.put("uploadedAt", 42L);

        ImageUploaded read = serde.deserializer().deserialize(TOPIC, framed(oldId, TestEvents.IMAGE_UPLOADED_V1, old));

        assertThat(read.getImageId()).isEqualTo("img-old");
        assertThat(read.getSource().getUrl()).isEqualTo("https://example.com/cat.png");
        assertThat(read.getTags()).containsExactly("legacy");
        assertThat(read.getAttributes()).isEmpty(); // the new field's default
        assertThat(read.getUploadedAt()).isEqualTo(Instant.ofEpochMilli(42));
        // The new schema was a BACKWARD-compatible second version of the subject.
        serde.serializer().serialize(TOPIC, TestEvents.upload("img-new"));
        assertThat(registry.latest(TOPIC + "-value").version()).isEqualTo(2);
    }

    @Test
    void buildsOneResolvingReaderPerWriterSchema() {
        var counting = new CountingRegistry(registry);
        var deserializer = new ConfluentAvroDeserializer<>(counting, ImageUploaded.class);
        byte[] bytes = serde.serializer().serialize(TOPIC, TestEvents.upload("img-5"));

        for (int i = 0; i < 5; i++) {
            assertThat(deserializer.deserialize(TOPIC, bytes).getImageId()).isEqualTo("img-5");
        }

        assertThat(counting.getByIdCalls.get()).isEqualTo(1);
    }

    @Test
    void tooShortIsMalformed() {
        assertDecodingFails(new byte[] {0, 0, 1}, ErrorCode.MALFORMED_EVENT);
        assertDecodingFails(new byte[0], ErrorCode.MALFORMED_EVENT);
    }

    @Test
    void truncatedOrPaddedAvroIsMalformed() {
        byte[] good = serde.serializer().serialize(TOPIC, TestEvents.upload("img-6"));

        assertDecodingFails(Arrays.copyOf(good, good.length - 3), ErrorCode.MALFORMED_EVENT);
        assertDecodingFails(Arrays.copyOf(good, good.length + 2), ErrorCode.MALFORMED_EVENT);
        assertDecodingFails(Arrays.copyOf(good, 6), ErrorCode.MALFORMED_EVENT);
    }

    @Test
    void plainJsonHasTheWrongMagicByte() {
        assertDecodingFails("{\"imageId\":\"x\"}".getBytes(), ErrorCode.WRONG_MAGIC_BYTE);
    }

    @Test
    void unregisteredSchemaIdIsUnknown() {
        EventDecodingException e = assertDecodingFails(ConfluentWireFormat.header(4711), ErrorCode.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(4711);
        assertThat(e.retriable()).isFalse();
    }

    @Test
    void unresolvableWriterSchemaIsAMismatch() throws Exception {
        int id = registry.register("legacy-value", TestEvents.IMAGE_UPLOADED_INCOMPATIBLE);
        GenericRecord legacy = new GenericData.Record(TestEvents.IMAGE_UPLOADED_INCOMPATIBLE);
        legacy.put("legacyId", 7L);

        EventDecodingException e = assertDecodingFails(framed(id, TestEvents.IMAGE_UPLOADED_INCOMPATIBLE, legacy),
                ErrorCode.SCHEMA_MISMATCH);
        assertThat(e).hasMessageContaining("imageId");
    }

    @Test
    void registryOutageIsRetriable() {
        byte[] bytes = serde.serializer().serialize(TOPIC, TestEvents.upload("img-7"));
        var down = new ConfluentAvroDeserializer<>(new FailingRegistry(), ImageUploaded.class);

        EventDecodingException e = (EventDecodingException) catchDecoding(down, bytes);

        assertThat(e.code()).isEqualTo(ErrorCode.REGISTRY_UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
    }

    private EventDecodingException assertDecodingFails(byte[] bytes, ErrorCode code) {
        Throwable thrown = catchDecoding(serde.deserializer(), bytes);
        assertThat(thrown).isInstanceOf(EventDecodingException.class).isInstanceOf(SerializationException.class);
        EventDecodingException e = (EventDecodingException) thrown;
        assertThat(e.code()).isEqualTo(code);
        assertThat(e).hasMessageStartingWith(code.name());
        return e;
    }

    private static Throwable catchDecoding(org.apache.kafka.common.serialization.Deserializer<ImageUploaded> d, byte[] bytes) {
        try {
            d.deserialize(TOPIC, bytes);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("decoding " + bytes.length + " bytes did not fail");
    }

    /** What a producer with another schema version sends: header + Avro binary of {@code writer}. */
    static byte[] framed(int id, Schema writer, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ConfluentWireFormat.header(id));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static final class CountingRegistry implements SchemaRegistryClient {
        final AtomicInteger getByIdCalls = new AtomicInteger();
        private final SchemaRegistryClient delegate;

        CountingRegistry(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override public int register(String subject, Schema schema) { return delegate.register(subject, schema); }
        @Override public Schema getById(int id) { getByIdCalls.incrementAndGet(); return delegate.getById(id); }
        @Override public Optional<Integer> lookup(String subject, Schema schema) { return delegate.lookup(subject, schema); }
        @Override public SchemaVersion latest(String subject) { return delegate.latest(subject); }
        @Override public void setCompatibility(String subject, String level) { delegate.setCompatibility(subject, level); }
    }

    private static final class FailingRegistry implements SchemaRegistryClient {
        private static SchemaRegistryException down() {
            return new SchemaRegistryException(503, 50301, "Service unavailable");
        }

        @Override public int register(String subject, Schema schema) { throw down(); }
        @Override public Schema getById(int id) { throw down(); }
        @Override public Optional<Integer> lookup(String subject, Schema schema) { throw down(); }
        @Override public SchemaVersion latest(String subject) { throw down(); }
        @Override public void setCompatibility(String subject, String level) { throw down(); }
    }
}
