package dev.lookalike.serde;

import dev.lookalike.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent-compatible serde for event topics, built in code rather than from properties:
 * {@code new ConfluentAvroSerde<>(registry, ImageUploaded.class, false, true)}.
 * It does not own the registry client: closing the serde leaves the client open.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final ConfluentAvroSerializer<T> serializer;
    private final ConfluentAvroDeserializer<T> deserializer;

    public ConfluentAvroSerde(SchemaRegistryClient registry, Class<T> type, boolean isKey, boolean autoRegister) {
        this(registry, SpecificSchemas.of(type), isKey, autoRegister);
    }

    public ConfluentAvroSerde(SchemaRegistryClient registry, Schema schema, boolean isKey, boolean autoRegister) {
        this.serializer = new ConfluentAvroSerializer<>(registry, schema, isKey, autoRegister);
        this.deserializer = new ConfluentAvroDeserializer<>(registry, schema);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
