package dev.lookalike.serde;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.lookalike.registry.SchemaRegistryClient;
import dev.lookalike.registry.SchemaRegistryException;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format into the generated class {@code T}, resolving
 * whatever schema the producer wrote with (looked up by id in the registry) to {@code T}'s
 * schema, so records written with older or newer compatible schemas decode fine.
 *
 * <p>Every failure is an {@link EventDecodingException} with a precise {@link ErrorCode}.
 * A null value (a tombstone) decodes to null.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final SpecificData specificData;
    /** Building a resolving reader is costly; one per writer schema id, built on first sight. */
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this(registry, SpecificSchemas.of(type));
    }

    public ConfluentAvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.readerSchema = Objects.requireNonNull(readerSchema, "readerSchema");
        this.specificData = SpecificSchemas.dataFor(readerSchema);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) return null;
        int schemaId = ConfluentWireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(schemaId, this::resolvingReader);
        try {
            return AvroCodec.decode(data, ConfluentWireFormat.HEADER_SIZE, reader);
        } catch (IOException | RuntimeException e) {
            // Avro reports corrupt input as EOF, negative lengths, bad union indexes and the like.
            throw new EventDecodingException(ErrorCode.MALFORMED_EVENT, schemaId,
                    "Avro body of " + (data.length - ConfluentWireFormat.HEADER_SIZE) + " bytes does not decode with writer schema "
                            + schemaId + ": " + e.getMessage(), e);
        }
    }

    private SpecificDatumReader<T> resolvingReader(int schemaId) {
        Schema writerSchema = writerSchema(schemaId);
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new EventDecodingException(ErrorCode.SCHEMA_MISMATCH, schemaId, "Writer schema " + schemaId + " ("
                    + writerSchema.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
                    + describe(compatibility.getResult().getIncompatibilities()), null);
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema, specificData);
    }

    /** Each problem as type, place and detail: Avro's own toString repeats both whole schemas per problem. */
    private static String describe(List<SchemaCompatibility.Incompatibility> incompatibilities) {
        return incompatibilities.stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }

    private Schema writerSchema(int schemaId) {
        try {
            return registry.getById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new EventDecodingException(ErrorCode.UNKNOWN_SCHEMA_ID, schemaId,
                        "The schema registry has no schema " + schemaId, e);
            }
            throw new EventDecodingException(ErrorCode.REGISTRY_UNAVAILABLE, schemaId,
                    "Could not fetch schema " + schemaId + " from the registry: " + e.getMessage(), e);
        } catch (SchemaParseException e) {
            throw new EventDecodingException(ErrorCode.SCHEMA_MISMATCH, schemaId,
                    "Schema " + schemaId + " is not a usable Avro schema: " + e.getMessage(), e);
        } catch (AvroRuntimeException e) {
            throw new EventDecodingException(ErrorCode.SCHEMA_MISMATCH, schemaId,
                    "Schema " + schemaId + " cannot be parsed: " + e.getMessage(), e);
        }
    }
}
