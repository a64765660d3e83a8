package dev.lookalike.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Maps generated Avro classes to their schemas and back. */
final class SpecificSchemas {
    private SpecificSchemas() {
    }

    static Schema of(Class<? extends SpecificRecord> type) {
        return SpecificData.getForClass(type).getSchema(type);
    }

    /** The {@link SpecificData} that loads the class generated for {@code schema}. */
    static SpecificData dataFor(Schema schema) {
        SpecificData data = SpecificData.getForSchema(schema);
        if (schema.getType() != Schema.Type.RECORD || data.getClass(schema) == null) {
            throw new IllegalArgumentException("No generated SpecificRecord class on the class path for schema "
                    + schema.getFullName());
        }
        return data;
    }
}
