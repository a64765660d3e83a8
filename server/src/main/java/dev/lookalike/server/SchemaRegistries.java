package dev.lookalike.server;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.registry.RestSchemaRegistryClient;

/** The schema registry client every command and the service use, from configuration: its URL and credentials. */
public final class SchemaRegistries {

  private SchemaRegistries() {}

  public static RestSchemaRegistryClient create(LookalikeConfig config) {
    return RestSchemaRegistryClient.builder(config.schemaRegistryUrl()).basicAuth(config.schemaRegistryUserInfo()).build();
  }
}
