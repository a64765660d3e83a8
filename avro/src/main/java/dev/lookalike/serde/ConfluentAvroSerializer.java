package dev.lookalike.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.lookalike.registry.SchemaRegistryClient;
import dev.lookalike.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes records in the Confluent wire format under the subject {@code <topic>-value} or
 * {@code <topic>-key} (TopicNameStrategy). With auto-register on, the schema is registered on
 * first use per topic; with it off (the usual production setting, where schemas are
 * registered by a pipeline) it must already be registered, and is only looked up.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema schema;
    /** The schema without its Java-only properties: what the registry holds and other languages' .avsc files match. */
    private final Schema registered;
    private final SpecificDatumWriter<T> writer;
    private final boolean isKey;
    private final boolean autoRegister;
    private final Map<String, byte[]> headersByTopic = new ConcurrentHashMap<>();

    public ConfluentAvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean isKey, boolean autoRegister) {
        this(registry, SpecificSchemas.of(type), isKey, autoRegister);
    }

    public ConfluentAvroSerializer(SchemaRegistryClient registry, Schema schema, boolean isKey, boolean autoRegister) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.registered = SpecificSchemas.portable(schema);
        this.writer = new SpecificDatumWriter<>(schema, SpecificSchemas.dataFor(schema));
        this.isKey = isKey;
        this.autoRegister = autoRegister;
    }

    /** The subject under which records for {@code topic} are registered. */
    public String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) return null; // a tombstone stays a tombstone
        byte[] header = headersByTopic.computeIfAbsent(topic, t -> ConfluentWireFormat.header(schemaId(t)));
        try {
            return AvroCodec.encode(header, writer, data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + schema.getFullName() + " for topic " + topic, e);
        }
    }

    private int schemaId(String topic) {
        String subject = subject(topic);
        try {
            if (autoRegister) return registry.register(subject, registered);
            // Lookalike registered the Java text before: a subject registered by it and then locked still has only that.
            Optional<Integer> id = registry.lookup(subject, registered);
            if (id.isEmpty() && !registered.equals(schema)) id = registry.lookup(subject, schema);
            return id.orElseThrow(() -> new SerializationException(
                    "Schema " + schema.getFullName() + " is not registered under subject " + subject
                            + " and auto-registration is off"));
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Schema registry refused or failed for subject " + subject
                    + ": " + e.getMessage(), e);
        }
    }
}
