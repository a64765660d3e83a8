package dev.lookalike.server.cli;

import dev.lookalike.registry.SchemaRegistryClient;
import dev.lookalike.serde.ConfluentWireFormat;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.lookalike.serde.AvroBounds;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Confluent wire-format values with the schema they were written with, fetched from
 * the registry by id. Reading with the writer's schema rather than a compiled class shows what
 * is really on the topic, works for any topic, and for records from newer or older producers.
 */
final class WireDecoder {

  private final SchemaRegistryClient registry;
  private final Map<Integer, GenericDatumReader<Object>> readers = new ConcurrentHashMap<>();

  WireDecoder(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** The decoded datum: usually a GenericRecord. */
  Object decode(byte[] data) throws IOException {
    if (data.length < ConfluentWireFormat.HEADER_SIZE || data[0] != ConfluentWireFormat.MAGIC_BYTE) {
      throw new IOException("not in the Confluent wire format (no magic byte 0 and schema id)");
    }
    int schemaId = ConfluentWireFormat.schemaId(data);
    GenericDatumReader<Object> reader = readers.computeIfAbsent(schemaId, id -> new GenericDatumReader<>(registry.getById(id)));
    int offset = ConfluentWireFormat.HEADER_SIZE;
    // A hostile record could claim gigabytes; check every length against the bytes first.
    AvroBounds.check(reader.getSchema(), data, offset);
    return reader.read(null, DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null));
  }
}
