package dev.lookalike.server.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.server.LookalikeService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs examples/node and examples/python for real, as their READMEs tell users to, against a
 * real broker, registry and service on the default topic names, so the examples cannot rot.
 * Each half skips, with the reason, when its runtime is missing: node/npm or the npm registry
 * for Node; Debian's python3-confluent-kafka, python3-avro and python3-requests for Python.
 */
class ExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final Path SCHEMA = Path.of("..", "avro", "src", "main", "avro", "events", "ImageUploaded.avsc");
  private static final String PYTHON = "/usr/bin/python3";

  private static EmbeddedKafka kafka;
  private static LookalikeService service;
  private static String registryUrl;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    registryUrl = ApicurioRegistry.shared().ccompatUrl();
    // The default topic names (the scripts hard-code images.uploaded and the rest) on a broker of our own.
    service = LookalikeService.start(LookalikeConfig.of(Map.of(
        LookalikeConfig.APPLICATION_ID, "examples-it",
        LookalikeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
        LookalikeConfig.SCHEMA_REGISTRY_URL, registryUrl,
        LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.TOPICS_PARTITIONS, "2",
        LookalikeConfig.STATE_DIR, tmp.resolve("state").toString(),
        // The bad URL is the service's own 404, as in the READMEs.
        LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, "true")));
    await().atMost(Duration.ofMinutes(2)).until(() -> service.awaitReady(Duration.ZERO));
    registerSchemaAsReadmeSays();
  }

  @AfterAll
  static void stop() {
    if (service != null) service.close();
    if (kafka != null) kafka.close();
  }

  /** examples/README.md: POST the .avsc file's text to the subject, which a fresh registry may not have yet. */
  private static void registerSchemaAsReadmeSays() throws Exception {
    String body = JSON.writeValueAsString(Map.of("schema", Files.readString(SCHEMA)));
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/images.uploaded-value/versions"))
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("registering %s: %s", SCHEMA, response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("id").isInt()).as(response.body()).isTrue();
  }

  @Test
  void nodeExamples() throws Exception {
    assumeTrue(succeeds(Path.of("."), "node", "--version") && succeeds(Path.of("."), "npm", "--version"),
        "examples test skipped: node and npm are needed for examples/node");
    Path dir = Path.of("target", "examples-node").toAbsolutePath();
    Files.createDirectories(dir);
    for (String file : List.of("produce.js", "consume.js", "package.json", "package-lock.json")) {
      Files.copy(EXAMPLES.resolve("node").resolve(file), dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Result install = run(dir, 180, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
    assumeTrue(install.code == 0, "examples test skipped: npm ci in " + dir + " failed: " + install.output.strip());
    check("node", dir, List.of("node", "consume.js"), List.of("node", "produce.js"), "false");
  }

  @Test
  void pythonExamples() throws Exception {
    assumeTrue(succeeds(Path.of("."), PYTHON, "-c", "import confluent_kafka, avro, requests"),
        "examples test skipped: " + PYTHON + " cannot import confluent_kafka, avro and requests"
            + " (Debian: apt-get install python3-confluent-kafka python3-avro python3-requests)");
    Path dir = EXAMPLES.resolve("python");
    check("py", dir, List.of(PYTHON, "consume.py"), List.of(PYTHON, "produce.py"), "False");
  }

  /**
   * One image sent twice under two ids with --file, one bad --url; the consumer must print the
   * EXACT pair (the later id a duplicate of the earlier) and the dead letter, and the HTTP API
   * must show the images embedded and failed. {@code falseAsPrinted}: the language's false (false, False).
   */
  private void check(String prefix, Path dir, List<String> consume, List<String> produce, String falseAsPrinted) throws Exception {
    String first = prefix + "-file-1";
    String second = prefix + "-file-2";
    String bad = prefix + "-bad-url-1";
    String badUrl = service.httpUrl() + "/no-such-image-" + prefix + ".png";
    Path image = tmp.resolve(prefix + "-image.png");
    Files.write(image, TestImages.encode(TestImages.generate(prefix.hashCode()), "png"));
    List<String> connection = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", registryUrl);

    // --from-beginning: a consumer that joins after the events still sees them (the ids are this test's own).
    Process consumer = new ProcessBuilder(concat(consume, List.of("--from-beginning"), connection))
        .directory(dir.toFile()).redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(consumer.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) lines.add(line);
      } catch (IOException ignored) {
        // the process was destroyed
      }
    });
    try {
      produce(dir, produce, connection, first, "--file", image.toString());
      produce(dir, produce, connection, second, "--file", image.toString());
      produce(dir, produce, connection, bad, "--url", badUrl);

      String exact = "EXACT " + second + " duplicates " + first + "  similarity=1.0000 ";
      String dead = "DEAD  " + bad + " HTTP_ERROR (retriable=" + falseAsPrinted + "): HTTP 404 from " + badUrl + "  [from images.uploaded/";
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .failFast(String.join(" ", consume) + " exited early", () -> {
            if (!consumer.isAlive()) {
              throw new AssertionError("exit " + consumer.exitValue() + ", output:\n" + String.join("\n", lines));
            }
          })
          .untilAsserted(() -> {
            List<String> missing = new ArrayList<>();
            for (String expected : List.of(exact, dead)) {
              if (lines.stream().noneMatch(line -> line.startsWith(expected))) missing.add(expected);
            }
            if (!missing.isEmpty()) {
              throw new AssertionError(String.join(" ", consume) + " printed no line starting\n  " + String.join("\n  ", missing)
                  + "\noutput so far:\n" + String.join("\n", lines));
            }
          });
      assertThat(lines).as("the pair is published once, and the earlier image is never the duplicate")
          .noneMatch(line -> line.contains(first + " duplicates " + second))
          .filteredOn(line -> line.contains(second + " duplicates " + first)).hasSize(1);
    } finally {
      consumer.destroy();
      if (!consumer.waitFor(10, TimeUnit.SECONDS)) consumer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      reader.join(Duration.ofSeconds(5));
    }

    JsonNode one = image(first);
    JsonNode two = image(second);
    assertThat(two.path("status").asText()).as(two.toString()).isEqualTo("EMBEDDED");
    assertThat(two.path("format").asText()).isEqualTo("png");
    assertThat(two.path("contentHash").asText()).isNotEmpty().isEqualTo(one.path("contentHash").asText());
    JsonNode failed = image(bad);
    assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
    assertThat(failed.path("error").path("code").asText()).isEqualTo("HTTP_ERROR");
  }

  private static void produce(Path dir, List<String> produce, List<String> connection, String id, String... source) throws Exception {
    Result result = run(dir, 60, concat(produce, List.of(id), List.of(source), connection));
    assertThat(result.code).as("%s %s failed:%n%s", String.join(" ", produce), id, result.output).isZero();
    assertThat(result.output).as("%s %s", String.join(" ", produce), id).startsWith("sent " + id + " to images.uploaded partition ");
  }

  private static JsonNode image(String id) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(service.httpUrl() + "/v1/images/"
        + URLEncoder.encode(id, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET /v1/images/%s: %s", id, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) all.addAll(part);
    return all;
  }

  private static boolean succeeds(Path dir, String... command) {
    try {
      return run(dir, 30, List.of(command)).code == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private record Result(int code, String output) {}

  private static Result run(Path dir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
    return run(dir, timeoutSeconds, List.of(command));
  }

  /** Runs a command to its end (killed after the timeout), stdout and stderr together. */
  private static Result run(Path dir, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    Thread pump = Thread.ofVirtual().start(() -> {
      try (InputStream in = process.getInputStream()) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        synchronized (output) {
          output.append(text);
        }
      } catch (IOException ignored) {
        // the process died; its exit code tells
      }
    });
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        pump.join(Duration.ofSeconds(5));
        synchronized (output) {
          return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n" + output);
        }
      }
      pump.join(Duration.ofSeconds(5));
      synchronized (output) {
        return new Result(process.exitValue(), output.toString());
      }
    } finally {
      if (process.isAlive()) process.destroyForcibly();
    }
  }
}
