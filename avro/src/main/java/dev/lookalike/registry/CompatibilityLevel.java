package dev.lookalike.registry;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** The Confluent compatibility levels and the Avro reader/writer check behind each. */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /** Parses a level name as the registry API spells it; 42203 if unknown. */
    public static CompatibilityLevel parse(String level) {
        try {
            return valueOf(level.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level: " + level);
        }
    }

    /**
     * Checks {@code candidate} against the existing versions of a subject, oldest first; a
     * non-transitive level looks at the latest version only, as Confluent's registry does.
     *
     * @return why the candidate is incompatible, or empty if it is compatible
     */
    public Optional<String> check(Schema candidate, List<Schema> existing) {
        List<Schema> against = transitive || existing.isEmpty() ? existing : List.of(existing.getLast());
        for (Schema previous : against) {
            if (newReadsOld) {
                Optional<String> problem = problem(candidate, previous);
                if (problem.isPresent()) return problem;
            }
            if (oldReadsNew) {
                Optional<String> problem = problem(previous, candidate);
                if (problem.isPresent()) return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problem(Schema reader, Schema writer) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        return result.getType() == SchemaCompatibilityType.COMPATIBLE
                ? Optional.empty()
                : Optional.of(result.getResult().getIncompatibilities().toString());
    }
}
