package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import dev.lookalike.server.tls.TestCertificates;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lookalike search} against a MockWebServer standing in for an instance. */
class SearchCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESULTS = """
      {"targetVector":"perceptual","tookMs":3,"results":[
        {"imageId":"sample-03","score":0.98765,"tenant":"default","uploadedAt":1,"tags":["cat","trip"],"attributes":{}},
        {"imageId":"a-much-longer-image-id","score":0.5,"tenant":"default","uploadedAt":2,"tags":[],"attributes":{}}]}""";

  private final MockWebServer server = new MockWebServer();

  @TempDir
  Path tmp;

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  @Test
  void imageFileIsSentInlineWithEveryOptionAndPrintedAsATable() throws Exception {
    byte[] image = {1, 2, 3, (byte) 0xff};
    Path file = Files.write(tmp.resolve("cat.png"), image);
    server.enqueue(json(200, RESULTS));

    CliRun run = CliRun.withEnv(Map.of("LOOKALIKE_API_KEY", "env-key"), "search", "--image", file.toString(), "--limit", "5",
        "--min-score", "0.5", "--vector", "perceptual", "--tenant", "acme", "--server", server.url("/").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getPath()).isEqualTo("/v1/search");
    assertThat(request.getHeader("content-type")).startsWith("application/json");
    assertThat(request.getHeader("x-api-key")).isEqualTo("env-key");
    assertThat(request.getBody().readUtf8()).isEqualTo("{\"nearImage\":{\"base64\":\"" + Base64.getEncoder().encodeToString(image)
        + "\"},\"limit\":5,\"minScore\":0.5,\"targetVector\":\"perceptual\",\"filter\":{\"tenant\":\"acme\"}}");
    assertThat(run.outLines()).containsExactly(
        "RANK  IMAGE ID                 SCORE  TAGS",
        "1     sample-03               0.9877  cat,trip",
        "2     a-much-longer-image-id  0.5000");
  }

  @Test
  void eachQueryModeSendsItsOperator() throws Exception {
    assertBody("{\"nearImage\":{\"url\":\"https://example.com/cat.jpg\"}}", "--url", "https://example.com/cat.jpg");
    assertBody("{\"nearText\":{\"text\":\"a red bicycle\"}}", "--text", "a red bicycle");
    assertBody("{\"nearObject\":{\"id\":\"sample-03\"}}", "--id", "sample-03");
  }

  @Test
  void apiKeyOptionWinsOverTheEnvironmentAndJsonIsPrintedAsIs() throws Exception {
    server.enqueue(json(200, RESULTS));

    CliRun run = CliRun.withEnv(Map.of("LOOKALIKE_API_KEY", "env-key"), "search", "--id", "x", "--api-key", "opt-key", "--json",
        "--server", server.url("").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.takeRequest().getHeader("x-api-key")).isEqualTo("opt-key");
    assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(RESULTS));
  }

  @Test
  void noKeyNoHeaderAndNoResultsSaysSo() throws Exception {
    server.enqueue(json(200, "{\"targetVector\":\"v\",\"results\":[],\"tookMs\":0}"));

    CliRun run = search("--id", "x");

    assertThat(run.exitCode()).isZero();
    assertThat(server.takeRequest().getHeader("x-api-key")).isNull();
    assertThat(run.outLines()).containsExactly("No results.");
  }

  @Test
  void serverErrorsExitOneWithTheServersMessage() throws Exception {
    server.enqueue(json(422, "{\"error\":{\"code\":\"TEXT_NOT_SUPPORTED\",\"message\":\"vector 'perceptual' has no text encoder\"}}"));
    CliRun unprocessable = search("--text", "cat");
    assertThat(unprocessable.exitCode()).isEqualTo(1);
    assertThat(unprocessable.out()).isEmpty();
    assertThat(unprocessable.err().strip())
        .isEqualTo("lookalike search: vector 'perceptual' has no text encoder (HTTP 422 TEXT_NOT_SUPPORTED)");

    server.enqueue(json(503, "{\"error\":{\"code\":\"NOT_READY\",\"message\":\"the service is starting or rebalancing\"}}")
        .setHeader("Retry-After", "1"));
    CliRun notReady = search("--id", "x", "--json");
    assertThat(notReady.exitCode()).isEqualTo(1);
    assertThat(notReady.err()).contains("the service is starting or rebalancing (HTTP 503 NOT_READY)");

    server.enqueue(new MockResponse().setResponseCode(502).setBody("<html>bad gateway</html>"));
    CliRun proxy = search("--id", "x");
    assertThat(proxy.exitCode()).isEqualTo(1);
    assertThat(proxy.err()).contains("<html>bad gateway</html> (HTTP 502)");
  }

  @Test
  void unreachableServerExitsOne() throws Exception {
    String url = server.url("/").toString();
    server.shutdown();
    CliRun run = CliRun.of("search", "--id", "x", "--server", url);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("lookalike search: cannot reach " + url + "v1/search");
  }

  @Test
  void anHttpsServerWithAPrivateCertificateIsTrustedWithCacert() throws Exception {
    TestCertificates.Identity identity = TestCertificates.selfSigned(tmp, "localhost", "EC");
    try (MockWebServer https = new MockWebServer()) {
      https.useHttps(identity.serverSslContext().getSocketFactory(), false);
      https.enqueue(json(200, RESULTS));
      String url = "https://localhost:" + https.getPort() + "/";

      CliRun untrusted = CliRun.of("search", "--id", "x", "--server", url);
      assertThat(untrusted.exitCode()).isEqualTo(1);
      assertThat(untrusted.err()).startsWith("lookalike search: cannot reach " + url + "v1/search: its certificate is not trusted")
          .contains("give the certificate or its CA with --cacert FILE");

      CliRun trusted = CliRun.of("search", "--id", "x", "--server", url, "--cacert", identity.certificatePem().toString());
      assertThat(trusted.exitCode()).as(trusted.err()).isZero();
      assertThat(https.takeRequest().getPath()).isEqualTo("/v1/search");
      assertThat(trusted.outLines()).hasSize(3);
    }
    CliRun missing = CliRun.of("search", "--id", "x", "--cacert", tmp.resolve("nope.pem").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--cacert: no such file " + tmp.resolve("nope.pem"));
  }

  @Test
  void usageErrorsExitTwoWithoutCallingTheServer() {
    assertThat(CliRun.of("search").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("search", "--id", "x", "--text", "y").exitCode()).isEqualTo(2);
    assertThat(search("--id", "x", "--limit", "0").exitCode()).isEqualTo(2);
    assertThat(search("--id", "x", "--limit", "many").exitCode()).isEqualTo(2);
    CliRun overOne = search("--id", "x", "--min-score", "2");
    assertThat(overOne.exitCode()).isEqualTo(2);
    assertThat(overOne.err()).contains("--min-score is a cosine similarity, from -1 to 1");
    assertThat(search("--image", tmp.resolve("missing.png").toString()).exitCode()).isEqualTo(2);
    assertThat(CliRun.of("search", "--id", "x", "--server", "not a url").exitCode()).isEqualTo(2);
    assertThat(server.getRequestCount()).isZero();
  }

  private void assertBody(String expected, String... query) throws Exception {
    server.enqueue(json(200, RESULTS));
    CliRun run = search(query);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.takeRequest().getBody().readUtf8()).isEqualTo(expected);
  }

  private CliRun search(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "search";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--server";
    all[args.length + 2] = server.url("/").toString();
    return CliRun.withEnv(Map.of(), all);
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status).setHeader("content-type", "application/json").setBody(body);
  }
}
