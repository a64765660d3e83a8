package dev.lookalike.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders an Avro record (generic or generated) as JSON for people and jq, walking its schema:
 * timestamps as ISO-8601, bytes as base64, enums as their symbol. Abridged unless {@code full}:
 * float arrays longer than {@link #VECTOR_HEAD} (embedding vectors) become a short summary, and
 * a DeadLetter's {@code originalValue}, and bytes over {@link #BYTES_HEAD} (an inline image), just their length.
 */
final class AvroJson {

  static final int VECTOR_HEAD = 4;
  /** Longest bytes value shown whole unless full: a hash or an id, not an image. */
  static final int BYTES_HEAD = 64;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final boolean full;

  AvroJson(boolean full) {
    this.full = full;
  }

  JsonNode record(IndexedRecord record) {
    ObjectNode node = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (!full && field.name().equals("originalValue") && value instanceof ByteBuffer bytes) {
        node.putObject(field.name()).put("length", bytes.remaining());
      } else {
        node.set(field.name(), value(field.schema(), value));
      }
    }
    return node;
  }

  JsonNode value(Schema schema, Object value) {
    if (value == null) return NODES.nullNode();
    return switch (schema.getType()) {
      case RECORD -> record((IndexedRecord) value);
      case UNION -> value(branch(schema, value), value);
      case ARRAY -> array(schema.getElementType(), (Collection<?>) value);
      case MAP -> map(schema.getValueType(), (Map<?, ?>) value);
      case BYTES -> bytes((ByteBuffer) value);
      case FIXED -> NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
      case INT -> NODES.numberNode(((Number) value).intValue());
      case LONG -> longValue(schema.getLogicalType(), value);
      case FLOAT -> NODES.numberNode(((Number) value).floatValue());
      case DOUBLE -> NODES.numberNode(((Number) value).doubleValue());
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case NULL -> NODES.nullNode();
      case STRING, ENUM -> NODES.textNode(value.toString());
    };
  }

  /** Unions here are [null, X]; anything wider is resolved the way Avro itself does. */
  private static Schema branch(Schema union, Object value) {
    List<Schema> nonNull = union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
    if (nonNull.size() == 1) return nonNull.get(0);
    return union.getTypes().get(GenericData.get().resolveUnion(union, value));
  }

  private JsonNode array(Schema elementType, Collection<?> values) {
    boolean isFloats = elementType.getType() == Schema.Type.FLOAT || elementType.getType() == Schema.Type.DOUBLE;
    if (!full && isFloats && values.size() > VECTOR_HEAD) return NODES.textNode(abridged(values));
    ArrayNode array = NODES.arrayNode();
    values.forEach(v -> array.add(value(elementType, v)));
    return array;
  }

  /** e.g. {@code "[0.0123, -0.0456, 0.0789, 0.0012, ... 508 more]"}: enough to eyeball, short enough to read. */
  private static String abridged(Collection<?> values) {
    StringBuilder text = new StringBuilder("[");
    values.stream().limit(VECTOR_HEAD).forEach(v -> text.append(String.format("%.4f, ", ((Number) v).doubleValue())));
    return text.append("... ").append(values.size() - VECTOR_HEAD).append(" more]").toString();
  }

  private JsonNode map(Schema valueType, Map<?, ?> values) {
    ObjectNode node = NODES.objectNode();
    values.forEach((k, v) -> node.set(k.toString(), value(valueType, v)));
    return node;
  }

  /** Generated classes hold timestamps as Instant, generic records as epoch numbers. */
  private static JsonNode longValue(LogicalType type, Object value) {
    if (value instanceof Instant instant) return NODES.textNode(instant.toString());
    long n = ((Number) value).longValue();
    if (type instanceof LogicalTypes.TimestampMillis) return NODES.textNode(Instant.ofEpochMilli(n).toString());
    if (type instanceof LogicalTypes.TimestampMicros) {
      return NODES.textNode(Instant.ofEpochSecond(0, Math.multiplyExact(n, 1000L)).toString());
    }
    return NODES.numberNode(n);
  }

  /** Base64; unless full, bytes beyond a few dozen (an inline image, up to 16 MiB) just their length. */
  private JsonNode bytes(ByteBuffer buffer) {
    if (!full && buffer.remaining() > BYTES_HEAD) return NODES.objectNode().put("length", buffer.remaining());
    return NODES.textNode(base64(buffer));
  }

  private static String base64(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate(); // reading must not move the record's buffer
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
