package dev.lookalike.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Maps generated Avro classes to their schemas and back. */
public final class SpecificSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Set by the code generator's stringType=String: which Java class holds a string. Nothing else reads it. */
    private static final String JAVA_STRING_PROPERTY = "avro.java.string";

    private SpecificSchemas() {
    }

    /**
     * The schema as the .avsc file declares it, without the Java-only {@code avro.java.string}
     * properties the generated class carries. This is what is registered: a producer in another
     * language that looks the .avsc file up then finds it (and one that registers it adds no second
     * version), where the Java text was another schema to the registry. The binary encoding is the same.
     */
    public static Schema portable(Schema schema) {
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            stripJavaStrings(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro printed a schema Jackson cannot read: " + schema.getFullName(), e);
        }
    }

    private static void stripJavaStrings(JsonNode node) {
        if (node instanceof ObjectNode object) object.remove(JAVA_STRING_PROPERTY);
        node.forEach(SpecificSchemas::stripJavaStrings);
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
