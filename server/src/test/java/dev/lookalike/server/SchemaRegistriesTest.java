package dev.lookalike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.registry.RestSchemaRegistryClient;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The service and the commands reach a registry that wants credentials (Confluent Cloud's, a secured one). */
class SchemaRegistriesTest {

  private static final Schema SCHEMA = Schema.createRecord("Thing", null, "test", false, java.util.List.of());

  @Test
  void theConfiguredUserInfoIsSentAsBasicAuth() throws Exception {
    try (MockWebServer registry = new MockWebServer()) {
      registry.enqueue(new MockResponse().setHeader("content-type", "application/json").setBody("{\"id\":7}"));
      LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.SCHEMA_REGISTRY_URL, registry.url("/").toString(),
          LookalikeConfig.SCHEMA_REGISTRY_USER_INFO, "API-KEY:secret:with-colon"));
      try (RestSchemaRegistryClient client = SchemaRegistries.create(config)) {
        assertThat(client.register("things-value", SCHEMA)).isEqualTo(7);
      }
      RecordedRequest request = registry.takeRequest();
      assertThat(request.getHeader("Authorization")).isEqualTo(Credentials.basic("API-KEY", "secret:with-colon"));
      assertThat(config.toString()).doesNotContain("secret:with-colon");
    }
  }

  @Test
  void withoutUserInfoNoCredentialsAreSent() throws Exception {
    try (MockWebServer registry = new MockWebServer()) {
      registry.enqueue(new MockResponse().setHeader("content-type", "application/json").setBody("{\"id\":8}"));
      LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.SCHEMA_REGISTRY_URL, registry.url("/").toString()));
      try (RestSchemaRegistryClient client = SchemaRegistries.create(config)) {
        assertThat(client.register("things-value", SCHEMA)).isEqualTo(8);
      }
      assertThat(registry.takeRequest().getHeader("Authorization")).isNull();
    }
  }

  @Test
  void userInfoWithoutAColonIsRefusedAtStartWithoutShowingIt() {
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of(LookalikeConfig.SCHEMA_REGISTRY_USER_INFO, "just-a-key")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(LookalikeConfig.SCHEMA_REGISTRY_USER_INFO)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("just-a-key");
  }
}
