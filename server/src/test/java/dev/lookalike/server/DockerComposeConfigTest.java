package dev.lookalike.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** docker/compose.yaml: valid for docker-compose, and every LOOKALIKE_* variable is a real setting. */
class DockerComposeConfigTest {

  private static final Path COMPOSE = Path.of("..", "docker", "compose.yaml");
  private static final List<String> SERVICES = List.of("kafka", "registry", "lookalike-1", "lookalike-2");

  static boolean dockerComposeInstalled() {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "docker-compose"))) return true;
    }
    return false;
  }

  @Test
  @EnabledIf(value = "dockerComposeInstalled", disabledReason = "docker-compose not installed: apt-get install docker-compose")
  void dockerComposeAcceptsTheFile() throws Exception {
    Process process = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config")
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    JsonNode resolved = new YAMLMapper().readTree(output);
    assertThat(resolved.path("services").fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(SERVICES);
    // The merge keys resolved: the second instance has the shared settings and its own host.
    JsonNode second = resolved.path("services").path("lookalike-2").path("environment");
    assertThat(second.path("LOOKALIKE_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
    assertThat(second.path("LOOKALIKE_HTTP_ADVERTISED_HOST").asText()).isEqualTo("lookalike-2");
  }

  @Test
  void servicesAndLookalikeVariablesAreRealSettings() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(Files.readString(COMPOSE));
    JsonNode services = compose.path("services");
    assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(SERVICES);

    Set<String> known = new TreeSet<>();
    LookalikeConfig.CONFIG_DEF.names().forEach(key -> known.add(LookalikeConfig.envName(key)));
    LookalikeConfig defaults = LookalikeConfig.of(java.util.Map.of());
    for (VectorConfig vector : defaults.vectors()) {
      VectorConfig.CONFIG_DEF.names().forEach(key -> known.add(LookalikeConfig.envName(LookalikeConfig.VECTOR_PREFIX + vector.name() + "." + key)));
    }
    for (String name : List.of("lookalike-1", "lookalike-2")) {
      JsonNode environment = services.path(name).path("environment");
      assertThat(environment.isObject()).as(name + " environment").isTrue();
      environment.fieldNames().forEachRemaining(variable -> {
        if (variable.startsWith(LookalikeConfig.ENV_PREFIX) && !variable.startsWith(LookalikeConfig.ENV_PREFIX + "KAFKA_")) {
          assertThat(known).as(name + ": " + variable + " is not the env name of any setting").contains(variable);
        }
      });
      assertThat(environment.path("LOOKALIKE_HTTP_ADVERTISED_HOST").asText()).isEqualTo(name);
      assertThat(environment.path("LOOKALIKE_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
    }
  }
}
