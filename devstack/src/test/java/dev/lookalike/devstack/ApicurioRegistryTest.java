package dev.lookalike.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sharedRegistryIsReadyWithBackwardCompatibility() throws Exception {
        ApicurioRegistry registry = ApicurioRegistry.shared();

        assertThat(ApicurioRegistry.shared()).isSameAs(registry);
        assertThat(registry.ccompatUrl()).isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");
        assertThat(get(registry.baseUrl() + "/health/ready").statusCode()).isEqualTo(200);

        HttpResponse<String> subjects = get(registry.ccompatUrl() + "/subjects");
        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(subjects.body().trim()).startsWith("[").endsWith("]");

        HttpResponse<String> config = get(registry.ccompatUrl() + "/config");
        assertThat(config.body()).contains("\"compatibilityLevel\":\"BACKWARD\"");

        registry.close(); // a no-op for the shared instance
        assertThat(registry.isRunning()).isTrue();
    }

    @Test
    void closeStopsItsOwnRegistryProcess() throws Exception {
        ApicurioRegistry registry = ApicurioRegistry.start();
        ProcessHandle process = ProcessHandle.of(registry.pid()).orElseThrow();
        assertThat(registry.isRunning()).isTrue();
        assertThat(registry.startupTime()).isPositive();
        // Its temp files (Vert.x's vertx-cache) go to its own work dir, not the system temp dir where they outlived it.
        Path tmpdir = Path.of(Arrays.stream(process.info().arguments().orElseThrow())
                .filter(a -> a.startsWith("-Djava.io.tmpdir=")).findFirst().orElseThrow().substring("-Djava.io.tmpdir=".length()));
        assertThat(tmpdir).isNotEqualTo(Path.of(System.getProperty("java.io.tmpdir"))).isDirectory();

        registry.close();

        assertThat(process.isAlive()).isFalse();
        assertThat(tmpdir).doesNotExist();
        assertThat(EmbeddedKafkaTest.isListening("127.0.0.1:" + registry.port())).isFalse();
    }

    /** Records name their schema by id: a restarted registry (dev mode with --data-dir) must still know both. */
    @Test
    void aRegistryWithStorageKeepsItsSchemasAndIdsAcrossARestart(@TempDir Path storage) throws Exception {
        String schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Kept\\\",\\\"fields\\\":[]}\"}";
        int port = FreePorts.find();
        String id;
        try (ApicurioRegistry first = ApicurioRegistry.start(ApicurioHome.resolve(), port, storage)) {
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(first.ccompatUrl() + "/subjects/kept-value/versions"))
                    .header("content-type", "application/vnd.schemaregistry.v1+json").POST(HttpRequest.BodyPublishers.ofString(schema)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            id = registered.body().replaceAll("\\D", "");
        }
        try (ApicurioRegistry second = ApicurioRegistry.start(ApicurioHome.resolve(), port, storage)) {
            HttpResponse<String> byId = get(second.ccompatUrl() + "/schemas/ids/" + id);
            assertThat(byId.statusCode()).as(byId.body()).isEqualTo(200);
            assertThat(byId.body()).contains("Kept");
            assertThat(get(second.ccompatUrl() + "/subjects").body()).contains("kept-value");
        }
    }

    @Test
    void explainsHowToFixAMissingHome(@TempDir Path empty) {
        String previous = System.getProperty(ApicurioHome.PROPERTY);
        System.setProperty(ApicurioHome.PROPERTY, empty.toString());
        try {
            assertThatThrownBy(ApicurioHome::resolve)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("./lookalike build");
        } finally {
            if (previous == null) System.clearProperty(ApicurioHome.PROPERTY);
            else System.setProperty(ApicurioHome.PROPERTY, previous);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
