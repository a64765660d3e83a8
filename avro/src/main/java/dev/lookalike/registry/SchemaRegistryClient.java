package dev.lookalike.registry;

import java.util.Optional;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that Lookalike's serdes need. Implementations
 * are thread-safe. Failures are {@link SchemaRegistryException}s carrying the registry's error
 * code (e.g. {@link SchemaRegistryException#SCHEMA_NOT_FOUND}).
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject}, or returns its id if that subject already
     * has it. Rejected with HTTP 409 when the subject's compatibility rule forbids the change.
     *
     * @return the schema's global id
     */
    int register(String subject, Schema schema);

    /** The schema with this global id; 404 / {@code 40403} if there is none. */
    Schema getById(int id);

    /** The id of {@code schema} in {@code subject}, or empty if the subject or the schema is unknown. */
    Optional<Integer> lookup(String subject, Schema schema);

    /** The subject's newest version; 404 / {@code 40401} if the subject is unknown. */
    SchemaVersion latest(String subject);

    /**
     * Sets the compatibility level (NONE, BACKWARD, FORWARD, FULL, or a *_TRANSITIVE variant).
     *
     * @param subject the subject, or {@code null} for the registry-wide default
     */
    void setCompatibility(String subject, String level);
}
