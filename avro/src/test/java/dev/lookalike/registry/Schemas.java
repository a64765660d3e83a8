package dev.lookalike.registry;

import org.apache.avro.Schema;

/** Small schemas for registry tests; each test uses its own record name or subject. */
final class Schemas {
    private Schemas() {
    }

    static Schema v1(String name) {
        return parse("""
                {"type": "record", "name": "%s", "namespace": "test", "fields": [
                  {"name": "id", "type": "string"}]}""".formatted(name));
    }

    /** v1 plus an optional field: BACKWARD compatible. */
    static Schema v2(String name) {
        return parse("""
                {"type": "record", "name": "%s", "namespace": "test", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "size", "type": "int", "default": 0}]}""".formatted(name));
    }

    /** v1 plus a required field: a v2 reader cannot read v1 data, so not BACKWARD compatible. */
    static Schema incompatible(String name) {
        return parse("""
                {"type": "record", "name": "%s", "namespace": "test", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "owner", "type": "string"}]}""".formatted(name));
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
