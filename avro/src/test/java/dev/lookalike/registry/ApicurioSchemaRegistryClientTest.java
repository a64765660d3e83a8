package dev.lookalike.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.devstack.ApicurioRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract against the real Apicurio Registry's Confluent-compatible API. */
class ApicurioSchemaRegistryClientTest extends SchemaRegistryClientContract {
    private final String url = ApicurioRegistry.shared().ccompatUrl();
    private final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);
    private final RestSchemaRegistryClient fresh = new RestSchemaRegistryClient(url);

    @Override
    SchemaRegistryClient client() {
        return client;
    }

    @Override
    SchemaRegistryClient freshClient() {
        return fresh;
    }

    @AfterEach
    void closeClients() {
        client.close();
        fresh.close();
    }

    @Test
    void lookupMatchesOnCanonicalContentNotFormatting() {
        int id = client.register(subject, Schemas.v1(name));

        var reformatted = Schemas.parse("""
                { "type" : "record", "name" : "%s", "namespace" : "test", "doc" : "documented later",
                  "fields" : [ { "name" : "id", "type" : "string" } ] }""".formatted(name));

        assertThat(fresh.lookup(subject, reformatted)).contains(id);
    }

    /** Instances starting together register the same output schemas at once; each must get the id (a 409 killed a stream thread). */
    @Test
    void clientsRegisteringTheSameNewSchemaAtOnceAllGetItsId() throws Exception {
        int clients = 6;
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            var ids = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < clients; i++) {
                ids.add(pool.submit(() -> {
                    try (RestSchemaRegistryClient own = new RestSchemaRegistryClient(url)) {
                        start.await();
                        return own.register(subject, Schemas.v1(name));
                    }
                }));
            }
            start.countDown();
            int first = ids.get(0).get(30, java.util.concurrent.TimeUnit.SECONDS);
            for (var id : ids) assertThat(id.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(first);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The mistake of pointing a client at Apicurio's root: its own 404 (no Confluent error code) names the fix. */
    @Test
    void theRegistryRootIsNotTheConfluentApiAndTheErrorSaysWhereItIs() {
        try (RestSchemaRegistryClient root = new RestSchemaRegistryClient(ApicurioRegistry.shared().baseUrl())) {
            assertThatThrownBy(() -> root.register(subject, Schemas.v1(name)))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.isUnknownPath()).isTrue();
                        assertThat(e).hasMessageContaining("Confluent-compatible base URL? Apicurio: " + url);
                    });
        }
        assertThat(fresh.lookup(subject, Schemas.v1(name))).isEmpty(); // a real unknown subject is still just absent
    }

    /**
     * Characterizes an Apicurio 2.6 difference from Confluent: a subject-level NONE removes the
     * subject's rule instead of disabling the check, so the global BACKWARD still applies.
     * If this starts failing after an upgrade, Apicurio has aligned with Confluent.
     */
    @Test
    void aSubjectLevelOfNoneFallsBackToTheGlobalRule() {
        client.register(subject, Schemas.v1(name));
        client.setCompatibility(subject, "NONE");

        assertThatThrownBy(() -> client.register(subject, Schemas.incompatible(name)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
    }
}
