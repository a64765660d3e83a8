package dev.lookalike.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.http.HttpApi;
import dev.lookalike.topology.TopologyServices;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * docker/compose.yaml and docker/Dockerfile: valid for docker-compose, every LOOKALIKE_* variable is a real setting, Kafka
 * is reachable from the host, data lives in named volumes, services wait for healthy dependencies, the healthchecks
 * really ask for readiness, and the image is built with the launcher's Maven arguments.
 */
class DockerComposeConfigTest {

  private static final Path COMPOSE = Path.of("..", "docker", "compose.yaml");
  private static final Path DOCKERFILE = Path.of("..", "docker", "Dockerfile");
  private static final Path LAUNCHER = Path.of("..", "lookalike");
  private static final List<String> SERVICES = List.of("kafka", "registry-db", "registry", "lookalike-1", "lookalike-2");
  private static final List<String> INSTANCES = List.of("lookalike-1", "lookalike-2");

  static boolean dockerComposeInstalled() { return onPath("docker-compose"); }

  static boolean bashInstalled() { return onPath("bash"); }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) return true;
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
    // No anchors or merge keys: each instance spells out its settings, and docker-compose reads them as written.
    JsonNode second = resolved.path("services").path("lookalike-2").path("environment");
    assertThat(second.path("LOOKALIKE_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
    assertThat(second.path("LOOKALIKE_HTTP_ADVERTISED_HOST").asText()).isEqualTo("lookalike-2");
    // docker-compose's own reading of the host port, the dependency conditions and the named volumes.
    List<String> kafkaPorts = new ArrayList<>();
    resolved.path("services").path("kafka").path("ports")
        .forEach(port -> kafkaPorts.add(port.path("published").asText() + ":" + port.path("target").asText()));
    assertThat(kafkaPorts).contains("29092:29092");
    for (String instance : INSTANCES) {
      JsonNode dependsOn = resolved.path("services").path(instance).path("depends_on");
      assertThat(dependsOn.path("kafka").path("condition").asText()).as(instance).isEqualTo("service_healthy");
      assertThat(dependsOn.path("registry").path("condition").asText()).as(instance).isEqualTo("service_healthy");
    }
    assertThat(resolved.path("volumes").fieldNames()).toIterable()
        .containsExactlyInAnyOrder("kafka-data", "registry-db-data", "lookalike-1-state", "lookalike-2-state");
  }

  @Test
  void servicesAndLookalikeVariablesAreRealSettings() throws Exception {
    JsonNode services = compose().path("services");
    assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(SERVICES);

    Set<String> known = new TreeSet<>();
    LookalikeConfig.CONFIG_DEF.names().forEach(key -> known.add(LookalikeConfig.envName(key)));
    LookalikeConfig defaults = LookalikeConfig.of(java.util.Map.of());
    for (VectorConfig vector : defaults.vectors()) {
      VectorConfig.CONFIG_DEF.names().forEach(key -> known.add(LookalikeConfig.envName(LookalikeConfig.VECTOR_PREFIX + vector.name() + "." + key)));
    }
    for (String name : INSTANCES) {
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

  /**
   * The registry keeps its schemas in a database on a named volume. Every record names its schema by id: an in-memory
   * registry (the compose file's first one) forgot them on a restart, and then gave the same ids to other schemas,
   * so records written before it were unreadable or read with the wrong schema.
   */
  @Test
  void theRegistryKeepsItsSchemasAcrossRestarts() throws Exception {
    JsonNode compose = compose();
    JsonNode registry = compose.path("services").path("registry");
    assertThat(registry.path("image").asText()).doesNotContain("-mem:");
    assertThat(registry.path("environment").path("REGISTRY_DATASOURCE_URL").asText()).startsWith("jdbc:postgresql://registry-db:");
    assertThat(registry.path("depends_on").path("registry-db").path("condition").asText()).isEqualTo("service_healthy");
    JsonNode db = compose.path("services").path("registry-db");
    assertThat(db.path("volumes").get(0).asText()).isEqualTo("registry-db-data:/var/lib/postgresql/data");
    assertThat(compose.path("volumes").has("registry-db-data")).isTrue();
  }

  /** The containers use the internal listener, the host the external one, and both are consistently declared. */
  @Test
  void kafkaHasAnInternalAndAHostListener() throws Exception {
    JsonNode kafka = compose().path("services").path("kafka");
    JsonNode env = kafka.path("environment");
    Map<String, String> listeners = listenerMap(env.path("KAFKA_LISTENERS").asText());
    Map<String, String> advertised = listenerMap(env.path("KAFKA_ADVERTISED_LISTENERS").asText());
    Set<String> protocolMapped = new TreeSet<>();
    for (String entry : env.path("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText().split(",")) protocolMapped.add(entry.split(":")[0]);
    String controller = env.path("KAFKA_CONTROLLER_LISTENER_NAMES").asText();

    assertThat(listeners).containsKey(controller);
    assertThat(advertised).doesNotContainKey(controller);
    assertThat(protocolMapped).containsAll(listeners.keySet());
    assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).endsWith(":" + port(listeners.get(controller)));
    advertised.forEach((name, hostPort) -> {
      assertThat(listeners).as("advertised listener " + name + " is not a listener").containsKey(name);
      assertThat(port(listeners.get(name))).as(name + " advertises the port it listens on").isEqualTo(port(hostPort));
    });

    // Internal: the inter-broker listener, advertised as the service name, is what the instances bootstrap from.
    String internal = env.path("KAFKA_INTER_BROKER_LISTENER_NAME").asText();
    assertThat(advertised).as("KAFKA_INTER_BROKER_LISTENER_NAME names an advertised listener").containsKey(internal);
    assertThat(advertised.get(internal)).isEqualTo("kafka:" + port(listeners.get(internal)));
    for (String instance : INSTANCES) {
      assertThat(compose().path("services").path(instance).path("environment").path("LOOKALIKE_BOOTSTRAP_SERVERS").asText())
          .isEqualTo(advertised.get(internal));
    }

    // External: advertised as localhost, and its port published on the same host port (a client reconnects to what
    // the broker advertises, so a different host port would break after bootstrap).
    List<String> external = advertised.entrySet().stream().filter(e -> e.getValue().startsWith("localhost:")).map(Map.Entry::getKey).toList();
    assertThat(external).as("a listener advertised as localhost").hasSize(1);
    String hostPort = port(advertised.get(external.getFirst()));
    assertThat(hostPort).isNotEqualTo(port(listeners.get(internal)));
    assertThat(ports(kafka)).contains(hostPort + ":" + hostPort);
  }

  @Test
  void dataLivesInNamedVolumes() throws Exception {
    JsonNode compose = compose();
    Set<String> declared = new TreeSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(declared::add);

    Map<String, String> kafkaMounts = namedMounts(compose.path("services").path("kafka"), declared);
    String logDirs = compose.path("services").path("kafka").path("environment").path("KAFKA_LOG_DIRS").asText();
    assertThat(logDirs).as("KAFKA_LOG_DIRS").isNotBlank();
    assertThat(kafkaMounts).as("kafka's log dir on a named volume").containsValue(logDirs);

    String stateDir = dockerfileEnv("LOOKALIKE_STATE_DIR");
    assertThat(dockerfile()).as("the image's user owns the state dir (a new named volume copies that)")
        .contains("chown lookalike " + stateDir);
    Set<String> stateVolumes = new TreeSet<>();
    for (String instance : INSTANCES) {
      JsonNode service = compose.path("services").path(instance);
      assertThat(service.path("environment").has("LOOKALIKE_STATE_DIR")).as(instance + " keeps the image's state dir").isFalse();
      Map<String, String> mounts = namedMounts(service, declared);
      List<String> state = mounts.entrySet().stream().filter(e -> e.getValue().equals(stateDir)).map(Map.Entry::getKey).toList();
      assertThat(state).as(instance + ": a named volume at " + stateDir).hasSize(1);
      stateVolumes.add(state.getFirst());
    }
    assertThat(stateVolumes).as("one state volume per instance").hasSize(INSTANCES.size());
  }

  @Test
  void servicesRestartAndWaitForHealthyDependencies() throws Exception {
    JsonNode services = compose().path("services");
    for (String name : SERVICES) {
      assertThat(services.path(name).path("restart").asText()).as(name).isEqualTo("unless-stopped");
    }
    for (String instance : INSTANCES) {
      JsonNode dependsOn = services.path(instance).path("depends_on");
      assertThat(dependsOn.fieldNames()).toIterable().as(instance).containsExactlyInAnyOrder("kafka", "registry");
      dependsOn.fields().forEachRemaining(dependency -> {
        assertThat(dependency.getValue().path("condition").asText()).as(instance + " -> " + dependency.getKey()).isEqualTo("service_healthy");
        JsonNode target = services.path(dependency.getKey());
        boolean healthcheck = target.path("healthcheck").path("test").size() > 0
            || (target.has("build") && dockerfile().contains("\nHEALTHCHECK "));
        assertThat(healthcheck).as(dependency.getKey() + " has a healthcheck to wait for").isTrue();
      });
    }
    JsonNode kafkaCheck = services.path("kafka").path("healthcheck").path("test");
    assertThat(kafkaCheck.path(1).asText()).startsWith("/opt/kafka/bin/");
    assertThat(kafkaCheck.toString()).contains("localhost:9092");
  }

  @Test
  void instancesUseTheRegistrysConfluentApi() throws Exception {
    JsonNode services = compose().path("services");
    List<String> registryPorts = ports(services.path("registry"));
    assertThat(registryPorts).hasSize(1);
    String containerPort = registryPorts.getFirst().split(":")[1];
    assertThat(services.path("registry").path("image").asText()).startsWith("apicurio/");
    for (String instance : INSTANCES) {
      assertThat(services.path(instance).path("environment").path("LOOKALIKE_SCHEMA_REGISTRY_URL").asText())
          .isEqualTo("http://registry:" + containerPort + "/apis/ccompat/v7");
    }
  }

  /**
   * The image's healthcheck, run as Docker would: against the real HTTP API (503 on /health/ready without running
   * streams; 200 on /health/live, to show Jetty's status line passes) and against a stand-in that answers 200 on
   * /health/ready only. The registry's healthcheck too, against the same stand-in.
   */
  @Test
  @EnabledIf(value = "bashInstalled", disabledReason = "bash not installed")
  void healthchecksAskForReadiness() throws Exception {
    Matcher healthcheck = Pattern.compile("(?m)^HEALTHCHECK [^\\n]*?CMD (\\[.*])$").matcher(dockerfile());
    assertThat(healthcheck.find()).as("HEALTHCHECK ... CMD [...] in exec form").isTrue();
    List<String> image = new ArrayList<>();
    new ObjectMapper().readTree(healthcheck.group(1)).forEach(arg -> image.add(arg.asText()));
    assertThat(image.subList(0, 2)).as("bash: the image's /bin/sh (dash) has no /dev/tcp").containsExactly("bash", "-c");
    assertThat(image.get(2)).contains("/dev/tcp/", "GET /health/ready ");

    List<String> registry = new ArrayList<>();
    compose().path("services").path("registry").path("healthcheck").path("test").forEach(arg -> registry.add(arg.asText()));
    assertThat(registry.subList(0, 3)).containsExactly("CMD", "bash", "-c");
    String registryScript = registry.get(3).replace("$$", "$"); // compose's escape for $

    AtomicInteger status = new AtomicInteger(200);
    HttpServer standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    standIn.createContext("/", exchange -> {
      int code = exchange.getRequestURI().getPath().equals("/health/ready") ? status.get() : 404;
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    standIn.start();
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0", LookalikeConfig.HTTP_HOST, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher);
    HttpApi api = HttpApi.start(config, services, fetcher);
    try {
      int standInPort = standIn.getAddress().getPort();
      assertThat(bash(image.get(2), standInPort)).as("200 on /health/ready").isZero();
      assertThat(bash(registryScript.replace("/8080", "/" + standInPort), standInPort)).as("registry: 200").isZero();
      status.set(503);
      assertThat(bash(image.get(2), standInPort)).as("503 on /health/ready").isNotZero();
      assertThat(bash(registryScript.replace("/8080", "/" + standInPort), standInPort)).as("registry: 503").isNotZero();

      assertThat(bash(image.get(2), api.port())).as("the real API, not ready").isNotZero();
      assertThat(bash(image.get(2).replace("/health/ready", "/health/live"), api.port())).as("the real API, live").isZero();

      int closed;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { closed = socket.getLocalPort(); }
      assertThat(bash(image.get(2), closed)).as("nothing listening").isNotZero();
    } finally {
      api.close();
      fetcher.close();
      standIn.stop(0);
    }
  }

  /**
   * The image is built with the launcher's `build` arguments plus only the documented narrowing, and the module set
   * it leaves out is only bench; it copies the jar and lib/ the launcher runs.
   */
  @Test
  void dockerfileBuildsWithTheLaunchersMavenArguments() throws Exception {
    String launcher = Files.readString(LAUNCHER);
    Matcher mvnArray = Pattern.compile("(?m)^MVN=\\((.*)\\)$").matcher(launcher);
    Matcher buildCase = Pattern.compile("(?m)^\\s*build\\)\\s*shift;\\s*exec \"\\$\\{MVN\\[@]}\"\\s+(.*?)\\s+\"\\$@\"\\s*;;").matcher(launcher);
    assertThat(mvnArray.find()).as("MVN=(...) in ./lookalike").isTrue();
    assertThat(buildCase.find()).as("build) ... exec \"${MVN[@]}\" ... in ./lookalike").isTrue();
    List<String> launcherArgs = new ArrayList<>();
    List<String> base = List.of(mvnArray.group(1).trim().split("\\s+"));
    for (int i = 0; i < base.size(); i++) {
      String token = base.get(i);
      if (token.equals("-f")) { i++; continue; } // the reactor root; the image's WORKDIR is it
      if (token.startsWith("${")) continue;      // the operator's LOOKALIKE_MVN_ARGS
      launcherArgs.add(token);
    }
    launcherArgs.addAll(List.of(buildCase.group(1).trim().split("\\s+")));
    assertThat(launcherArgs).as("./lookalike build").startsWith("mvn").contains("package");

    Matcher run = Pattern.compile("(?m)^RUN (mvn .*)$").matcher(dockerfile());
    assertThat(run.find()).as("RUN mvn ... in the Dockerfile").isTrue();
    List<String> dockerArgs = joinModuleList(List.of(run.group(1).trim().split("\\s+")));
    List<String> extra = new ArrayList<>(dockerArgs);
    for (String arg : launcherArgs) {
      assertThat(extra).as("the Dockerfile's build lacks the launcher's " + arg).contains(arg);
      extra.remove(arg);
    }
    assertThat(extra).as("arguments beyond the launcher's (document any new one in the Dockerfile and here)")
        .containsExactlyInAnyOrder("-q", "-Dapicurio.skip=true", "-pl server", "-am");

    // -pl server -am: server and everything it depends on in the reactor (any scope: -am builds test-jars too).
    Map<String, Path> moduleByArtifact = new LinkedHashMap<>();
    for (String module : childTexts(pom(Path.of("..", "pom.xml")), "module")) {
      moduleByArtifact.put(artifactId(Path.of("..", module, "pom.xml")), Path.of(module));
    }
    Set<String> built = new TreeSet<>();
    List<String> todo = new ArrayList<>(List.of("server"));
    while (!todo.isEmpty()) {
      String module = todo.removeLast();
      if (!built.add(module)) continue;
      for (String dependency : childTexts(pom(Path.of("..", module, "pom.xml")), "artifactId")) {
        Path dir = moduleByArtifact.get(dependency);
        if (dir != null && !dir.toString().equals(module)) todo.add(dir.toString());
      }
    }
    Set<String> leftOut = new TreeSet<>();
    moduleByArtifact.values().forEach(dir -> leftOut.add(dir.toString()));
    leftOut.removeAll(built);
    assertThat(leftOut).as("modules ./lookalike build builds and the image does not").containsExactly("bench");

    // The same artifacts as the launcher runs.
    assertThat(launcher).contains("jar=\"$here/server/target/lookalike.jar\"", "$here/server/target/lib/*");
    assertThat(dockerfile()).contains("COPY --from=build /src/server/target/lookalike.jar ", "COPY --from=build /src/server/target/lib ");
  }

  // ---- helpers ----

  private static JsonNode compose() throws Exception { return new YAMLMapper().readTree(Files.readString(COMPOSE)); }

  /** The Dockerfile with continuation lines joined. */
  private static String dockerfile() {
    try {
      return "\n" + Files.readString(DOCKERFILE).replaceAll("\\\\\\n\\s*", "");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String dockerfileEnv(String name) {
    Matcher matcher = Pattern.compile("\\b" + name + "=(\\S+)").matcher(dockerfile());
    assertThat(matcher.find()).as(name + " in the Dockerfile's ENV").isTrue();
    return matcher.group(1);
  }

  /** NAME://host:port,... as name -> host:port. */
  private static Map<String, String> listenerMap(String listeners) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String listener : listeners.split(",")) {
      String[] parts = listener.trim().split("://", 2);
      assertThat(parts).as(listener).hasSize(2);
      map.put(parts[0], parts[1]);
    }
    return map;
  }

  private static String port(String hostPort) { return hostPort.substring(hostPort.lastIndexOf(':') + 1); }

  private static List<String> ports(JsonNode service) {
    List<String> ports = new ArrayList<>();
    service.path("ports").forEach(port -> ports.add(port.asText()));
    return ports;
  }

  /** volume name -> mount point, for the service's named volumes (each must be declared at the top level). */
  private static Map<String, String> namedMounts(JsonNode service, Set<String> declared) {
    Map<String, String> mounts = new LinkedHashMap<>();
    service.path("volumes").forEach(volume -> {
      String[] parts = volume.asText().split(":");
      if (parts[0].startsWith("/") || parts[0].startsWith(".")) return; // a bind mount
      assertThat(declared).as("volume " + parts[0] + " declared under volumes:").contains(parts[0]);
      mounts.put(parts[0], parts[1]);
    });
    return mounts;
  }

  private static List<String> joinModuleList(List<String> args) {
    List<String> joined = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("-pl") && i + 1 < args.size()) joined.add("-pl " + args.get(++i));
      else joined.add(args.get(i));
    }
    return joined;
  }

  private static int bash(String script, int port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    builder.environment().put("LOOKALIKE_HTTP_PORT", String.valueOf(port));
    Process process = builder.start();
    process.getOutputStream().close();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("healthcheck finished").isTrue();
    return process.exitValue();
  }

  private static Document pom(Path path) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile());
  }

  private static String artifactId(Path pom) throws Exception {
    NodeList children = pom(pom).getDocumentElement().getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element element && element.getTagName().equals("artifactId")) return element.getTextContent().trim();
    }
    throw new AssertionError("no artifactId in " + pom);
  }

  private static List<String> childTexts(Document document, String tag) {
    List<String> texts = new ArrayList<>();
    NodeList nodes = document.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) texts.add(nodes.item(i).getTextContent().trim());
    return texts;
  }
}
