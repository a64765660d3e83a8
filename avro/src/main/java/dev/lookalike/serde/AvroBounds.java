package dev.lookalike.serde;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

/**
 * Checks, without allocating, that Avro binary data can be what its writer schema says before
 * Avro's decoder reads it. Avro allocates what a length or count claims before it reads the
 * bytes: a 20-byte record claiming a 2 GB string or a 500-million-item array costs gigabytes
 * (an OutOfMemoryError) or seconds. Here every string, bytes and fixed length must fit in the
 * bytes left, every block of items must be payable by the bytes left, union and enum indexes
 * must exist, nesting stays shallow and no byte is left over; so the decode that follows
 * allocates in proportion to the input.
 */
public final class AvroBounds {
    /** Deeper nesting only comes from recursive schemas, and would exhaust the stack. */
    static final int MAX_DEPTH = 64;
    /** Items that take no bytes (null, empty records) allowed per block beyond the bytes left. */
    private static final int FREE_ITEMS = 64;
    private static final Map<Schema, Integer> MIN_SIZES = new ConcurrentHashMap<>();
    private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);

    private final byte[] data;
    private int pos;

    private AvroBounds(byte[] data, int offset) {
        this.data = data;
        this.pos = offset;
    }

    /** @throws IOException naming the first claim the data cannot back */
    public static void check(Schema writer, byte[] data, int offset) throws IOException {
        AvroBounds bounds = new AvroBounds(data, offset);
        bounds.walk(writer, 0);
        if (bounds.pos != data.length) {
            throw new IOException((data.length - bounds.pos) + " trailing bytes after the Avro datum");
        }
    }

    private void walk(Schema schema, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException("Avro data nested deeper than " + MAX_DEPTH + " levels");
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1, "boolean");
            case INT, LONG -> readLong();
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case STRING, BYTES -> {
                int at = pos;
                long length = readLong();
                if (length < 0) throw new IOException(schema.getType().getName() + " length " + length + " at byte " + at + " is negative");
                skip(length, schema.getType().getName() + " of " + length + " bytes at byte " + at);
            }
            case FIXED -> skip(schema.getFixedSize(), "fixed " + schema.getFullName());
            case ENUM -> index(schema.getEnumSymbols().size(), "enum " + schema.getFullName());
            case UNION -> walk(schema.getTypes().get(index(schema.getTypes().size(), "union")), depth + 1);
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) walk(field.schema(), depth + 1);
            }
            case ARRAY -> items(List.of(schema.getElementType()), depth, "array");
            case MAP -> items(List.of(MAP_KEY, schema.getValueType()), depth, "map");
        }
    }

    /** Blocks of items: count, (byte size if the count is negative), items; a zero count ends them. */
    private void items(List<Schema> perItem, int depth, String what) throws IOException {
        long itemSize = 0;
        for (Schema s : perItem) itemSize += minSize(s);
        while (true) {
            int at = pos;
            long count = readLong();
            if (count == 0) return;
            if (count < 0) {
                if (count == Long.MIN_VALUE) throw new IOException(what + " block count at byte " + at + " is invalid");
                count = -count;
                long size = readLong();
                if (size < 0 || size > remaining()) {
                    throw new IOException(what + " block of " + size + " bytes at byte " + at + " exceeds the " + remaining() + " bytes left");
                }
            }
            long affordable = itemSize == 0 ? remaining() + FREE_ITEMS : remaining() / itemSize;
            if (count > affordable) {
                throw new IOException(what + " of " + count + " items at byte " + at + " cannot fit in the " + remaining() + " bytes left");
            }
            for (long i = 0; i < count; i++) {
                for (Schema s : perItem) walk(s, depth + 1);
            }
        }
    }

    private int index(int size, String what) throws IOException {
        int at = pos;
        long index = readLong();
        if (index < 0 || index >= size) {
            throw new IOException(what + " index " + index + " at byte " + at + " is not one of the " + size + " branches");
        }
        return (int) index;
    }

    private void skip(long length, String what) throws IOException {
        if (length > remaining()) throw new IOException(what + " exceeds the " + remaining() + " bytes left");
        pos += (int) length;
    }

    private int remaining() {
        return data.length - pos;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long readLong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= data.length) throw new IOException("data ends inside a number at byte " + pos);
            int b = data[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return (raw >>> 1) ^ -(raw & 1);
        }
        throw new IOException("number longer than 10 bytes at byte " + (pos - 10));
    }

    /** The fewest bytes a value of the schema takes; 0 for null, empty records and the like. */
    static int minSize(Schema schema) {
        Integer known = MIN_SIZES.get(schema);
        if (known != null) return known;
        int size = minSize(schema, new IdentityHashMap<>());
        MIN_SIZES.put(schema, size);
        return size;
    }

    private static int minSize(Schema schema, Map<Schema, Boolean> visiting) {
        return switch (schema.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, STRING, BYTES, ENUM, ARRAY, MAP, UNION -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case RECORD -> {
                if (visiting.put(schema, Boolean.TRUE) != null) yield 0; // recursive: count it as free
                long sum = 0;
                for (Schema.Field field : schema.getFields()) sum += minSize(field.schema(), visiting);
                visiting.remove(schema);
                yield (int) Math.min(sum, Integer.MAX_VALUE);
            }
        };
    }
}
