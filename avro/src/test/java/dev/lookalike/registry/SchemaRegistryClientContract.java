package dev.lookalike.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SchemaRegistryClient} must do, run against the in-memory fake and against
 * the real Apicurio registry, so the fake stays faithful.
 */
abstract class SchemaRegistryClientContract {

    /** The client under test; may cache. */
    abstract SchemaRegistryClient client();

    /** A client of the same registry with empty caches. */
    abstract SchemaRegistryClient freshClient();

    /** Test-unique names: a shared registry outlives a single test. */
    final String name = "R" + UUID.randomUUID().toString().replace("-", "");
    final String subject = name + "-value";

    @Test
    void registeringTheSameSchemaAgainReturnsTheSameId() {
        int first = client().register(subject, Schemas.v1(name));
        int again = freshClient().register(subject, Schemas.v1(name));

        assertThat(first).isPositive();
        assertThat(again).isEqualTo(first);
        assertThat(client().latest(subject).version()).isEqualTo(1);
    }

    @Test
    void theSameSchemaHasTheSameIdInEverySubject() {
        int id = client().register(subject, Schemas.v1(name));

        assertThat(client().register(name + "-key", Schemas.v1(name))).isEqualTo(id);
    }

    @Test
    void lookupFindsOnlyRegisteredSchemas() {
        int id = client().register(subject, Schemas.v1(name));

        assertThat(freshClient().lookup(subject, Schemas.v1(name))).contains(id);
        assertThat(freshClient().lookup(subject, Schemas.v2(name))).isEmpty();
        assertThat(freshClient().lookup(name + "-unknown", Schemas.v1(name))).isEmpty();
    }

    @Test
    void latestIsTheNewestVersion() {
        client().register(subject, Schemas.v1(name));
        int v2 = client().register(subject, Schemas.v2(name));

        SchemaVersion latest = freshClient().latest(subject);

        assertThat(latest.subject()).isEqualTo(subject);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(v2);
        assertThat(latest.schema()).isEqualTo(Schemas.v2(name));
    }

    @Test
    void getByIdReturnsTheRegisteredSchema() {
        Schema v2 = Schemas.v2(name);
        int id = client().register(subject, v2);

        assertThat(freshClient().getById(id)).isEqualTo(v2);
        assertThat(client().getById(id)).isEqualTo(v2);
    }

    @Test
    void backwardIncompatibleChangesAreRejectedWith409() {
        client().register(subject, Schemas.v1(name));

        assertThatThrownBy(() -> client().register(subject, Schemas.incompatible(name)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                    assertThat(e.isRetriable()).isFalse();
                });
        assertThat(freshClient().latest(subject).version()).isEqualTo(1);
    }

    @Test
    void aSubjectLevelOverridesTheGlobalOne() {
        client().register(subject, Schemas.v1(name));
        client().setCompatibility(subject, "FORWARD");

        // A new required field breaks BACKWARD (the global level) but not FORWARD:
        // readers of v1 simply skip it.
        client().register(subject, Schemas.incompatible(name));

        assertThat(freshClient().latest(subject).schema()).isEqualTo(Schemas.incompatible(name));
    }

    @Test
    void unknownIdsAre40403() {
        assertThatThrownBy(() -> freshClient().getById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                });
    }

    @Test
    void latestOfAnUnknownSubjectIs40401() {
        assertThatThrownBy(() -> freshClient().latest(name + "-unknown"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }
}
