package dev.lookalike.serde;

import java.io.IOException;

import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A registry-free serde for internal topics and state stores, which only this service reads:
 * one format-version byte, then the Avro binary of the class's own schema. The version byte
 * lets a later release change the encoding (say, to carry a schema fingerprint for store
 * migrations) and still tell old bytes from new.
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {
    /** The only format so far: the Avro binary of the generated class's schema, no resolution. */
    public static final byte FORMAT_VERSION = 1;
    private static final byte[] PREFIX = {FORMAT_VERSION};

    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    private AvroBinarySerde(Class<T> type) {
        this.schema = SpecificSchemas.of(type);
        this.writer = new SpecificDatumWriter<>(schema, SpecificSchemas.dataFor(schema));
        this.reader = new SpecificDatumReader<>(schema, schema, SpecificSchemas.dataFor(schema));
    }

    public static <T extends SpecificRecord> AvroBinarySerde<T> of(Class<T> type) {
        return new AvroBinarySerde<>(type);
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    public byte[] serialize(String topic, T data) {
        if (data == null) return null;
        try {
            return AvroCodec.encode(PREFIX, writer, data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + schema.getFullName(), e);
        }
    }

    public T deserialize(String topic, byte[] data) {
        if (data == null) return null;
        if (data.length == 0) {
            throw new EventDecodingException(ErrorCode.MALFORMED_EVENT, "Empty value for " + schema.getFullName());
        }
        if (data[0] != FORMAT_VERSION) {
            throw new EventDecodingException(ErrorCode.WRONG_MAGIC_BYTE, "Format version " + data[0]
                    + " of " + schema.getFullName() + " is not " + FORMAT_VERSION + ", the one this build reads");
        }
        try {
            return AvroCodec.decode(data, 1, reader);
        } catch (IOException | RuntimeException e) {
            throw new EventDecodingException(ErrorCode.MALFORMED_EVENT, EventDecodingException.NO_SCHEMA_ID,
                    "Cannot decode " + schema.getFullName() + ": " + e.getMessage(), e);
        }
    }
}
