package dev.lookalike.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of the client: paths, headers, bodies, error mapping, caching. */
class RestSchemaRegistryClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = Schemas.v1("Thing");

    private final MockWebServer server = new MockWebServer();
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server.start();
        client = RestSchemaRegistryClient.builder(server.url("/apis/ccompat/v7/").toString())
                .basicAuth("alice:s3cret:with-colon")
                .build();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.shutdown();
    }

    @Test
    void registersWithTheConfluentContentTypeAndBasicAuth() throws Exception {
        server.enqueue(json(200, "{\"id\":7}"));

        assertThat(client.register("images/uploaded-value", SCHEMA)).isEqualTo(7);

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/apis/ccompat/v7/subjects/images%2Fuploaded-value/versions");
        assertThat(request.getHeader("Content-Type")).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(request.getHeader("Accept")).contains("application/vnd.schemaregistry.v1+json");
        assertThat(request.getHeader("Authorization")).isEqualTo(okhttp3.Credentials.basic("alice", "s3cret:with-colon"));
        JsonNode body = JSON.readTree(request.getBody().readUtf8());
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(SCHEMA);
        assertThat(body.has("schemaType")).isFalse();
    }

    @Test
    void cachesIdsAndSchemasButNotLatest() throws Exception {
        server.enqueue(json(200, "{\"id\":3}"));
        server.enqueue(json(200, "{\"schema\":" + JSON.writeValueAsString(SCHEMA.toString()) + "}"));
        String latest = "{\"subject\":\"s\",\"version\":1,\"id\":3,\"schema\":" + JSON.writeValueAsString(SCHEMA.toString()) + "}";
        server.enqueue(json(200, latest));
        server.enqueue(json(200, latest));

        assertThat(client.register("s", SCHEMA)).isEqualTo(3);
        assertThat(client.register("s", SCHEMA)).isEqualTo(3);
        assertThat(client.lookup("s", SCHEMA)).contains(3);
        assertThat(client.getById(3)).isEqualTo(SCHEMA); // known from register: no call
        assertThat(client.getById(4)).isEqualTo(SCHEMA);
        assertThat(client.getById(4)).isEqualTo(SCHEMA);
        assertThat(client.latest("s").version()).isEqualTo(1);
        assertThat(client.latest("s").id()).isEqualTo(3);

        assertThat(server.getRequestCount()).isEqualTo(4);
        server.takeRequest();
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/ccompat/v7/schemas/ids/4");
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/ccompat/v7/subjects/s/versions/latest");
    }

    @Test
    void lookupOfAnUnknownSchemaIsEmptyButOtherErrorsThrow() {
        server.enqueue(json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"));
        server.enqueue(json(500, "{\"error_code\":50001,\"message\":\"Error in the backend datastore\"}"));

        assertThat(client.lookup("s", SCHEMA)).isEmpty();
        assertThatThrownBy(() -> client.lookup("s", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.errorCode()).isEqualTo(50001);
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e).hasMessageContaining("Error in the backend datastore");
                });
    }

    /** Apicurio's answer to the second of two clients registering the same new schema at once. */
    @Test
    void aSchemaAnotherClientRegisteredFirstIsItsIdNotAnError() throws Exception {
        server.enqueue(json(409, "{\"error_code\":409,\"message\":\"An artifact with ID 's' in group 'null' already exists.\"}"));
        server.enqueue(json(200, "{\"subject\":\"s\",\"version\":1,\"id\":5,\"schema\":\"{}\"}"));

        assertThat(client.register("s", SCHEMA)).isEqualTo(5);
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/ccompat/v7/subjects/s/versions");
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/ccompat/v7/subjects/s");
        assertThat(client.register("s", SCHEMA)).isEqualTo(5); // remembered
    }

    @Test
    void anIncompatibleSchemaStillFailsWithItsConflict() {
        server.enqueue(json(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}"));
        server.enqueue(json(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"));

        assertThatThrownBy(() -> client.register("s", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e).hasMessageContaining("incompatible");
                });
    }

    @Test
    void aPathTheServerDoesNotServeSaysTheBaseUrlIsWrong() {
        // What Apicurio answers when the client is pointed at its root instead of /apis/ccompat/v7.
        String resteasy = "{\"error_code\":404,\"message\":\"RESTEASY003210: Could not find resource for full path\"}";
        server.enqueue(json(404, resteasy));
        server.enqueue(json(404, resteasy));
        server.enqueue(json(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}"));

        assertThatThrownBy(() -> client.register("s", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isUnknownPath()).isTrue();
                    assertThat(e).hasMessageContaining("RESTEASY003210")
                            .hasMessageContaining("is " + server.url("/apis/ccompat/v7") + " the registry's Confluent-compatible base URL?")
                            .hasMessageContaining("Apicurio: http://" + server.getHostName() + ":" + server.getPort() + "/apis/ccompat/v7");
                });
        // Not "not registered": the lookup never reached a registry.
        assertThatThrownBy(() -> client.lookup("s", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnknownPath()).isTrue());
        assertThat(client.lookup("s", SCHEMA)).isEmpty();
    }

    @Test
    void nonJsonErrorBodiesKeepTheStatusAsCode() {
        server.enqueue(new MockResponse().setResponseCode(502).setBody("<html>Bad Gateway</html>"));

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(502);
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e).hasMessageContaining("Bad Gateway");
                });
    }

    @Test
    void anUnreachableRegistryIsRetriableWithNoStatus() throws IOException {
        String url = server.url("/").toString();
        server.shutdown();
        try (var unreachable = RestSchemaRegistryClient.builder(url).connectTimeout(Duration.ofSeconds(1)).build()) {
            assertThatThrownBy(() -> unreachable.getById(1))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
                        assertThat(e.isRetriable()).isTrue();
                        assertThat(e.getCause()).isInstanceOf(IOException.class);
                    });
        }
    }

    @Test
    void setsGlobalAndSubjectCompatibility() throws Exception {
        server.enqueue(json(200, "{\"compatibility\":\"BACKWARD\"}"));
        server.enqueue(json(200, "{\"compatibility\":\"NONE\"}"));

        client.setCompatibility(null, "BACKWARD");
        client.setCompatibility("s-value", "NONE");

        RecordedRequest global = server.takeRequest();
        assertThat(global.getMethod()).isEqualTo("PUT");
        assertThat(global.getPath()).isEqualTo("/apis/ccompat/v7/config");
        assertThat(JSON.readTree(global.getBody().readUtf8()).get("compatibility").asText()).isEqualTo("BACKWARD");
        assertThat(server.takeRequest().getPath()).isEqualTo("/apis/ccompat/v7/config/s-value");
    }

    @Test
    void refusesNonAvroSchemas() {
        server.enqueue(json(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"));

        assertThatThrownBy(() -> client.getById(9))
                .isInstanceOf(org.apache.avro.SchemaParseException.class)
                .hasMessageContaining("PROTOBUF");
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status)
                .setHeader("Content-Type", "application/vnd.schemaregistry.v1+json")
                .setBody(body);
    }
}
