package dev.lookalike.bench.load;

import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;

/**
 * The in-process KRaft broker and the schema registry, shared by every run of one invocation so
 * that baseline and topology meet the same broker. The registry is the real Apicurio child
 * process or the in-memory client; either way schema ids are cached after the first record, so
 * it is off the hot path and only start-up differs.
 */
final class Platform implements AutoCloseable {

  final EmbeddedKafka kafka;
  final SchemaRegistryClient registry;
  final String registryUrl;
  final String describe;

  private Platform(EmbeddedKafka kafka, SchemaRegistryClient registry, String registryUrl, String describe) {
    this.kafka = kafka;
    this.registry = registry;
    this.registryUrl = registryUrl;
    this.describe = describe;
  }

  static Platform start(String registryKind) {
    boolean apicurio = registryKind.equals("apicurio");
    // The registry is a separate JVM that takes 6-15 s to start: overlap it with the broker.
    CompletableFuture<ApicurioRegistry> registry = apicurio
        ? CompletableFuture.supplyAsync(ApicurioRegistry::shared) : CompletableFuture.completedFuture(null);
    EmbeddedKafka kafka = EmbeddedKafka.start();
    if (!apicurio) {
      return new Platform(kafka, new InMemorySchemaRegistryClient(), "http://unused", "in-memory registry client");
    }
    ApicurioRegistry r = registry.join();
    return new Platform(kafka, new RestSchemaRegistryClient(r.ccompatUrl()), r.ccompatUrl(),
        "Apicurio Registry " + ApicurioRegistry.VERSION + " (child process, started in " + r.startupTime().toMillis() + " ms)");
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  Admin admin() {
    return kafka.admin();
  }

  Duration brokerStartup() {
    return kafka.startupTime();
  }

  @Override
  public void close() {
    if (registry instanceof RestSchemaRegistryClient rest) rest.close();
    kafka.close();
  }
}
