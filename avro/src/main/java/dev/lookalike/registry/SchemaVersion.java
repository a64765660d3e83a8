package dev.lookalike.registry;

import java.util.Objects;

import org.apache.avro.Schema;

/** One registered version of a subject. */
public record SchemaVersion(String subject, int version, int id, Schema schema) {
    public SchemaVersion {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
