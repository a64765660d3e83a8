package dev.lookalike.server.http;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.topology.TopologyServices;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.MethodSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Coverage-guided fuzzing (Jazzer) of the JSON endpoints over real HTTP: the HTTP layer alone
 * (no Kafka, so a search that gets past validation answers 503 NOT_READY), sent mutated request
 * bodies of the real shapes, garbage bytes and odd content types.
 *
 * <p>Property, for any request: the answer comes within {@link #TIMEOUT}; it is never a 5xx but
 * 503 NOT_READY; its body is JSON; a 4xx carries an {@code error} (an object, or CoreViz's
 * string). Input layout: byte 0 picks the endpoint, byte 1 the content type; if byte 2 is even
 * the rest is the body (mutations of real requests, garbage), if odd the rest drives
 * {@link JsonShapes}, which writes well-formed JSON of the endpoint's request shape with values
 * of the right and the wrong types (nulls in lists, huge numbers, broken data URLs...).
 *
 * <p>No request leaves the machine: the fetcher resolves no host name and refuses private
 * addresses, and a body with an http(s) URL anywhere in its JSON (which could name a public IP
 * literal) is not sent at all.
 */
class HttpJsonFuzzTest {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final List<String> ENDPOINTS = List.of("/v1/search", "/images/embeddings", "/api/ai/embeddings",
      "/computervision/retrieval:vectorizeImage?api-version=2024-02-01", "/computervision/retrieval:vectorizeText?api-version=2024-02-01");
  /** null: no Content-Type header. */
  static final List<String> CONTENT_TYPES = Arrays.asList("application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
      null, "text/plain", "image/png", "application/octet-stream", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=xyz", "application/json; charset=utf-16", "*/*", "application/jsonx");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private static final byte[] PNG = TestImages.encode(TestImages.generate(7, 24, 16), "png");
  private static final byte[] JPEG = TestImages.jpeg(TestImages.generate(8, 16, 16), 80);
  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static String base;

  @BeforeAll
  static void start() {
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0", LookalikeConfig.HTTP_HOST, "127.0.0.1"));
    // Resolves nothing; loopback and private literals are refused by the guard (allowPrivateNetworks=false).
    fetcher = new ImageFetcher(FetcherConfig.defaults(), host -> {
      throw new UnknownHostException("the fuzz test resolves no host names: " + host);
    });
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(new PerceptualEmbedder()),
        new ImageDecoder(), url -> {
          throw new IllegalStateException("the fuzz test fetches nothing");
        }, Clock.systemUTC(), new SimpleMeterRegistry());
    api = HttpApi.start(config, services, fetcher);
    base = "http://127.0.0.1:" + api.port();
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
    if (fetcher != null) fetcher.close();
  }

  @MethodSource("seeds")
  @DictionaryEntries({"\"nearImage\"", "\"nearVector\"", "\"nearText\"", "\"nearObject\"", "\"filter\"", "\"tags\"", "\"attributes\"",
      "\"tenant\"", "\"limit\"", "\"minScore\"", "\"targetVector\"", "\"certainty\"", "\"distance\"", "\"concepts\"", "\"vector\"",
      "\"base64\"", "\"image\"", "\"url\"", "\"input\"", "\"type\"", "\"text\"", "\"model\"", "\"dimensions\"", "\"encoding_format\"",
      "\"input_type\"", "\"data:image/png;base64,", "null", "true", "1e309", "-0", "[]", "{}", "\"\\u0000\""})
  @FuzzTest(maxDuration = "10s")
  void everyRequestGetsAJsonAnswerAndNoServerError(byte[] input) throws Exception {
    if (input.length < 3) return;
    int endpoint = (input[0] & 0xff) % ENDPOINTS.size();
    String contentType = CONTENT_TYPES.get((input[1] & 0xff) % CONTENT_TYPES.size());
    byte[] rest = Arrays.copyOfRange(input, 3, input.length);
    byte[] body = (input[2] & 1) == 0 ? rest : new JsonShapes(rest).body(endpoint).getBytes(StandardCharsets.UTF_8);
    check(ENDPOINTS.get(endpoint), contentType, body);
  }

  /** The property for one request; the regression tests call it too. */
  static void check(String path, String contentType, byte[] body) throws Exception {
    if (namesAnHttpUrl(body)) return;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) request.header("Content-Type", contentType);
    HttpResponse<byte[]> response;
    try {
      response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new AssertionError("no answer within " + TIMEOUT + " to " + describe(path, contentType, body), e);
    }
    int status = response.statusCode();
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("HTTP " + status + " with a body that is not JSON to " + describe(path, contentType, body) + ": "
          + new String(response.body(), StandardCharsets.UTF_8), e);
    }
    String shown = "HTTP " + status + " " + answer + " to " + describe(path, contentType, body);
    if (answer == null || !answer.isObject()) throw new AssertionError("not a JSON object: " + shown);
    if (status >= 500 && !(status == 503 && answer.path("error").path("code").asText().equals("NOT_READY"))) {
      throw new AssertionError("server error: " + shown);
    }
    if (status >= 400 && (!answer.hasNonNull("error") || answer.get("error").isContainerNode() && answer.get("error").isEmpty())) {
      throw new AssertionError("a 4xx without an error: " + shown);
    }
  }

  /**
   * Whether any string in the body, read as the server reads it (Jackson, every root value), could
   * be a URL the server fetches. Skipping such bodies keeps a fuzzed public IP literal from being
   * contacted; the other hosts are stopped by the fetcher, and URL handling has tests of its own.
   */
  static boolean namesAnHttpUrl(byte[] body) {
    try (JsonParser parser = JSON.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
          String text = parser.getText().toLowerCase(Locale.ROOT);
          if (text.contains("http:") || text.contains("https:")) return true;
        }
      }
    } catch (IOException notJsonFromHereOn) {
      // The server's parser stops at the same place.
    }
    return false;
  }

  static String describe(String path, String contentType, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return "POST " + path + " (Content-Type: " + contentType + ") body " + (text.length() > 300 ? text.substring(0, 300) + "..." : text)
        + " [base64 " + Base64.getEncoder().encodeToString(body) + "]";
  }

  /** Valid requests of every endpoint in the shapes their clients send, and a few near misses. */
  static Stream<byte[]> seeds() {
    String png = Base64.getEncoder().encodeToString(PNG);
    String dataUrl = "data:image/png;base64," + png;
    String vector = Arrays.toString(new float[new PerceptualEmbedder().dimensions()]).replace("0.0", "0.1");
    List<byte[]> seeds = new ArrayList<>();
    // /v1/search
    seed(seeds, 0, 0, "{\"nearImage\":{\"base64\":\"" + png + "\"},\"limit\":3,\"minScore\":0.2}");
    seed(seeds, 0, 0, "{\"nearImage\":{\"image\":\"" + dataUrl + "\",\"certainty\":0.9}}");
    seed(seeds, 0, 0, "{\"nearVector\":{\"vector\":" + vector + ",\"distance\":0.3},\"targetVector\":\"perceptual\","
        + "\"filter\":{\"tenant\":\"acme\",\"tags\":[\"cat\"],\"attributes\":{\"camera\":\"x100\"}}}");
    seed(seeds, 0, 1, "{\"nearObject\":{\"id\":\"img-1\"},\"limit\":1000}");
    seed(seeds, 0, 0, "{\"nearText\":{\"concepts\":[\"a\",\"cat\"]}}");
    seed(seeds, 0, 0, "{\"nearImage\":{\"url\":\"ftp://127.0.0.1/a.png\"}}");
    // /images/embeddings (Foundry)
    seed(seeds, 1, 0, "{\"model\":\"perceptual\",\"input\":[{\"image\":\"" + dataUrl + "\"}],\"encoding_format\":\"base64\","
        + "\"input_type\":\"document\"}");
    seed(seeds, 1, 0, "{\"input\":[{\"image\":\"" + png + "\"},{\"text\":\"a cat\"}],\"dimensions\":64}");
    // /api/ai/embeddings (CoreViz)
    seed(seeds, 2, 0, "{\"image\":\"" + dataUrl + "\",\"model\":\"perceptual-v1\"}");
    seed(seeds, 2, 0, "{\"input\":\"a cat\",\"type\":\"text\"}");
    // Azure AI Vision
    seed(seeds, 3, 0, "{\"url\":\"ftp://127.0.0.1/a.png\"}");
    seeds.add(concat(new byte[] {3, 5, 0}, PNG));
    seeds.add(concat(new byte[] {3, 6, 0}, JPEG));
    seed(seeds, 4, 0, "{\"text\":\"a cat\"}");
    seed(seeds, 4, 3, "");
    // Bodies generated from the request shapes: the bytes after the header are the generator's choices.
    for (int endpoint = 0; endpoint < ENDPOINTS.size(); endpoint++) {
      for (int choices = 0; choices < 4; choices++) {
        byte[] header = {(byte) endpoint, 0, 1};
        byte[] made = new byte[64];
        new java.util.Random(31L * endpoint + choices).nextBytes(made);
        seeds.add(concat(header, made));
      }
    }
    return seeds.stream();
  }

  private static void seed(List<byte[]> seeds, int endpoint, int contentType, String body) {
    seeds.add(concat(new byte[] {(byte) endpoint, (byte) contentType, 0}, body.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
