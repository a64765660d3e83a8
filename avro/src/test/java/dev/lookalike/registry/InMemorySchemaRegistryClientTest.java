package dev.lookalike.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest extends SchemaRegistryClientContract {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Override
    SchemaRegistryClient client() {
        return registry;
    }

    @Override
    SchemaRegistryClient freshClient() {
        return registry; // it has no cache
    }

    @Test
    void idsStartAtOneAndIgnoreFormattingAndDocs() {
        int id = registry.register("a-value", Schemas.v1("A"));
        int sameContent = registry.register("a-value", Schemas.parse("""
                { "type" : "record", "name" : "A", "namespace" : "test", "doc" : "documented",
                  "fields" : [ { "name" : "id", "type" : "string" } ] }"""));

        assertThat(id).isEqualTo(1);
        assertThat(sameContent).isEqualTo(1);
        assertThat(registry.register("b-value", Schemas.v1("B"))).isEqualTo(2);
    }

    @Test
    void noneAllowsAnyChange() {
        registry.register("n-value", Schemas.v1("N"));
        registry.setCompatibility("n-value", "NONE");

        registry.register("n-value", Schemas.incompatible("N"));

        assertThat(registry.latest("n-value").version()).isEqualTo(2);
    }

    @Test
    void fullChecksBothDirections() {
        registry.setCompatibility(null, "FULL");
        registry.register("g-value", Schemas.v1("G"));
        registry.register("g-value", Schemas.v2("G")); // a defaulted field reads both ways

        assertThatThrownBy(() -> registry.register("g-value", Schemas.incompatible("G")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
    }

    @Test
    void rejectsUnknownCompatibilityLevels() {
        assertThatThrownBy(() -> registry.setCompatibility(null, "SOMETIMES"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL));
    }
}
