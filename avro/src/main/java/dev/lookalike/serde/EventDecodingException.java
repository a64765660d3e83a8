package dev.lookalike.serde;

import java.util.Objects;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that could not be decoded, with a stable {@link ErrorCode} so the topology can
 * dead-letter it with a precise reason instead of failing the task.
 */
public class EventDecodingException extends SerializationException {
    /** Why decoding failed. The names are the {@code errorCode} values of dead letters. */
    public enum ErrorCode {
        /** Too short for the wire format, or the Avro body is truncated, corrupt or has trailing bytes. */
        MALFORMED_EVENT(false),
        /** The first byte is not the expected magic / format-version byte: not our wire format. */
        WRONG_MAGIC_BYTE(false),
        /** The registry has no schema with the record's schema id. */
        UNKNOWN_SCHEMA_ID(false),
        /** The writer's schema cannot be resolved to the reader's schema (incompatible evolution). */
        SCHEMA_MISMATCH(false),
        /** The registry could not be reached or failed; replaying the record later may succeed. */
        REGISTRY_UNAVAILABLE(true);

        private final boolean retriable;

        ErrorCode(boolean retriable) {
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }

    /** Marks "no schema id", for failures before the id was read or in formats without one. */
    public static final int NO_SCHEMA_ID = -1;

    private final ErrorCode code;
    private final int schemaId;

    public EventDecodingException(ErrorCode code, int schemaId, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.schemaId = schemaId;
    }

    public EventDecodingException(ErrorCode code, String message) {
        this(code, NO_SCHEMA_ID, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retriable() {
        return code.retriable();
    }

    /** The writer schema id from the record, or {@link #NO_SCHEMA_ID}. */
    public int schemaId() {
        return schemaId;
    }
}
