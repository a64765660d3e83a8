package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.TestServices;
import dev.lookalike.topology.TopologyServices;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes exactly the public routes the server registers. */
class OpenApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Set<String> HTTP_METHODS = Set.of("get", "post", "put", "delete", "patch");
  private static final Set<String> ERROR_CODES = Set.of("400", "401", "403", "404", "413", "415", "422", "429", "503");

  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static String base;
  private static JsonNode spec;

  @BeforeAll
  static void start() throws Exception {
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0"));
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    TopologyServices services = TestServices.perceptual(fetcher);
    api = HttpApi.start(config, services, fetcher);
    base = "http://127.0.0.1:" + api.port();
    HttpResponse<String> yaml = get("/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
    spec = new YAMLMapper().readTree(yaml.body());
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  @Test
  void servedDocumentIsOpenApi31AndTheJsonIsTheSameDocument() throws Exception {
    assertThat(spec.path("openapi").asText()).isEqualTo("3.1.0");
    assertThat(spec.path("info").path("title").asText()).isEqualTo("Lookalike");
    HttpResponse<String> json = get("/openapi.json");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(json.body())).isEqualTo(spec);
  }

  /** Javalin 7 lists its endpoints (app.unsafe.internalRouter); HttpApi keeps its app private. */
  @Test
  void documentedRoutesAreExactlyTheRegisteredPublicRoutes() throws Exception {
    Field field = HttpApi.class.getDeclaredField("app");
    field.setAccessible(true);
    Javalin app = (Javalin) field.get(api);
    Set<String> registered = app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint)
        .filter(e -> !e.path.startsWith("/internal/"))
        .filter(e -> HTTP_METHODS.contains(e.method.name().toLowerCase()))
        .map(e -> e.method.name().toUpperCase() + " " + e.path)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).contains("GET /health/live", "POST /v1/search", "GET /openapi.yaml");
    assertThat(documented()).isEqualTo(registered);
    assertThat(app.unsafe.internalRouter.allHttpHandlers()).anySatisfy(e -> assertThat(e.endpoint.path).startsWith("/internal/"));
    assertThat(spec.path("paths").fieldNames()).toIterable().noneMatch(p -> p.startsWith("/internal"));
  }

  /** The same check from outside: every documented operation has a route; a made-up one does not. */
  @Test
  void everyDocumentedOperationIsRoutedAndAnUndocumentedOneIsNot() throws Exception {
    for (String operation : documented()) {
      String method = operation.substring(0, operation.indexOf(' '));
      String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
          .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
          .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(isNoRoute(response)).as(operation + " -> " + response.statusCode() + " " + response.body()).isFalse();
    }
    HttpResponse<String> madeUp = get("/v1/made-up");
    assertThat(isNoRoute(madeUp)).as(madeUp.body()).isTrue();
    assertThat(isNoRoute(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/images/x/neighbours")).build(),
        HttpResponse.BodyHandlers.ofString()))).isTrue();
  }

  @Test
  void responseCodesAreTheDocumentedSetAndEveryReferenceResolves() {
    Set<String> used = new TreeSet<>();
    Set<String> referenced = new TreeSet<>();
    forEachOperation((operation, node) -> node.path("responses").fields().forEachRemaining(r -> {
      used.add(r.getKey());
      String ref = r.getValue().path("$ref").asText("");
      if (!ref.isEmpty()) {
        assertThat(ref).as(operation).startsWith("#/components/responses/");
        String name = ref.substring("#/components/responses/".length());
        assertThat(spec.path("components").path("responses").has(name)).as(operation + " " + ref).isTrue();
        referenced.add(name);
      } else {
        assertThat(r.getValue().has("description")).as(operation + " " + r.getKey()).isTrue();
      }
    }));
    assertThat(used).containsAll(ERROR_CODES).isSubsetOf(union(ERROR_CODES, Set.of("200", "304")));
    assertThat(referenced).as("every component response is used").containsExactlyInAnyOrderElementsOf(
        () -> spec.path("components").path("responses").fieldNames());
    // The Lookalike error shape {"error":{"code","message"}}.
    JsonNode error = spec.path("components").path("schemas").path("Error");
    assertThat(error.path("properties").path("error").path("required")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("code", "message");
  }

  @Test
  void securitySchemesAreTheHeadersTheAuthenticatorReads() {
    JsonNode schemes = spec.path("components").path("securitySchemes");
    Set<String> headers = new TreeSet<>();
    schemes.forEach(s -> {
      if (s.path("type").asText().equals("apiKey")) headers.add(s.path("name").asText());
    });
    assertThat(headers).containsExactlyInAnyOrder("x-api-key", "api-key", "Ocp-Apim-Subscription-Key");
    assertThat(schemes.path("bearer").path("scheme").asText()).isEqualTo("bearer");
    assertThat(spec.path("security")).hasSize(4);
    // Health (ours and Weaviate's probes) and this description answer without a key; everything else takes the global requirement.
    forEachOperation((operation, node) -> {
      boolean open = operation.startsWith("GET /health/") || operation.startsWith("GET /openapi.")
          || operation.startsWith("GET /v1/.well-known/");
      assertThat(node.has("security") && node.path("security").isEmpty()).as(operation).isEqualTo(open);
      assertThat(node.path("responses").has("401")).as(operation).isEqualTo(!open);
    });
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  private static Set<String> documented() {
    Set<String> out = new TreeSet<>();
    forEachOperation((operation, node) -> out.add(operation));
    return out;
  }

  private static void forEachOperation(java.util.function.BiConsumer<String, JsonNode> action) {
    for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fields().forEachRemaining(m -> {
        if (HTTP_METHODS.contains(m.getKey())) action.accept(m.getKey().toUpperCase() + " " + path.getKey(), m.getValue());
      });
    }
  }

  /** Javalin's own "endpoint not found" (HttpApi may rewrite it to "no route for ..."), not a route's own 404. */
  private static boolean isNoRoute(HttpResponse<String> response) throws Exception {
    if (response.statusCode() != 404) return false;
    String message = JSON.readTree(response.body()).path("error").path("message").asText();
    return message.startsWith("no route for") || message.matches("Endpoint \\S+ \\S+ not found");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static { HandlerType.values(); } // fail fast if Javalin's HandlerType moves
}
