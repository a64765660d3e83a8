package dev.lookalike.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;

/**
 * A registry in memory for unit tests, with the semantics of the real one: global ids from 1
 * that depend only on the schema's content (the same schema gets the same id in every subject),
 * idempotent registration, a compatibility check (BACKWARD by default, as Confluent's) and the
 * same 404 error codes (40401 unknown subject, 40403 unknown schema id).
 *
 * <p>Schemas are compared with {@link Schema#equals}, which ignores formatting and docs.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();
    private CompatibilityLevel defaultLevel = CompatibilityLevel.BACKWARD;

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (!versions.contains(schema)) {
            Optional<String> problem = levelsBySubject.getOrDefault(subject, defaultLevel).check(schema, versions);
            if (problem.isPresent()) {
                throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject "
                                + subject + ": " + problem.get());
            }
            versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(schema);
        }
        return idsBySchema.computeIfAbsent(schema, s -> {
            int id = idsBySchema.size() + 1;
            schemasById.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized Optional<Integer> lookup(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        return versions.contains(schema) ? Optional.of(idsBySchema.get(schema)) : Optional.empty();
    }

    @Override
    public synchronized SchemaVersion latest(String subject) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        Schema schema = versions.getLast();
        return new SchemaVersion(subject, versions.size(), idsBySchema.get(schema), schema);
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        CompatibilityLevel parsed = CompatibilityLevel.parse(level);
        if (subject == null) {
            defaultLevel = parsed;
        } else {
            levelsBySubject.put(subject, parsed);
        }
    }
}
