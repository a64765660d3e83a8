package dev.lookalike.serde;

import dev.lookalike.serde.EventDecodingException.ErrorCode;

/**
 * Confluent's framing of a registry-encoded record: the magic byte 0, the writer schema id as
 * a 4-byte big-endian int, then the Avro binary body.
 */
public final class ConfluentWireFormat {
    public static final byte MAGIC_BYTE = 0x0;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return new byte[] {MAGIC_BYTE, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId};
    }

    /**
     * Validates the header and returns the schema id.
     *
     * @throws EventDecodingException MALFORMED_EVENT if too short, WRONG_MAGIC_BYTE if not framed by us
     */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new EventDecodingException(ErrorCode.MALFORMED_EVENT,
                    "Record of " + data.length + " bytes is shorter than the " + HEADER_SIZE + "-byte wire-format header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new EventDecodingException(ErrorCode.WRONG_MAGIC_BYTE,
                    String.format("First byte is 0x%02x, not the magic byte 0x00 of the Confluent wire format", data[0]));
        }
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }
}
