package dev.lookalike.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.server.tls.TrustedCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lookalike search}: POST /v1/search against a running instance, printed as a table or JSON. */
@Command(name = "search", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Search a running Lookalike instance by image, URL, text or stored image id.",
    description = {
        "",
        "Calls POST /v1/search (nearImage, nearText or nearObject) and prints rank, image id, score and tags; "
            + "--json prints the server's answer as is. Server errors exit 1 with the server's message.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lookalike search --image cat.png --limit 5",
        "  lookalike search --url https://example.com/cat.jpg --min-score 0.8",
        "  lookalike search --id sample-03 --vector perceptual --json | jq '.results[].imageId'"})
final class SearchCommand implements Callable<Integer> {

  static final String API_KEY_ENV = "LOOKALIKE_API_KEY";
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  LookalikeCli root;

  @Spec
  CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  static final class Query {
    @Option(names = "--image", paramLabel = "FILE", description = "A local image, sent inline (base64).")
    Path image;

    @Option(names = "--url", paramLabel = "URL", description = "An image URL the server fetches.")
    String url;

    @Option(names = "--text", paramLabel = "TEXT", description = "Text, for vectors with a text encoder.")
    String text;

    @Option(names = "--id", paramLabel = "ID", description = "A stored image: find images like it.")
    String id;
  }

  @Option(names = "--limit", paramLabel = "N", description = "At most N results (server default 10).")
  Integer limit;

  @Option(names = "--min-score", paramLabel = "S", description = "Only results with cosine similarity of at least S.")
  Float minScore;

  @Option(names = "--vector", paramLabel = "NAME", description = "The named vector to search (default: the first configured).")
  String vector;

  @Option(names = "--tenant", paramLabel = "T", description = "The tenant, without API keys (with keys, the key decides).")
  String tenant;

  @Option(names = "--api-key", paramLabel = "KEY", description = "API key (default: $" + API_KEY_ENV + ").")
  String apiKey;

  @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "The instance to ask (default: ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "PEM certificate(s) to trust besides the JVM's authorities: an https server's self-signed certificate or its private CA.")
  Path caCertificates;

  @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit != null && limit < 1) throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
    if (minScore != null && !(minScore >= -1 && minScore <= 1)) {
      throw new ParameterException(spec.commandLine(), "--min-score is a cosine similarity, from -1 to 1; got " + minScore);
    }
    URI endpoint = endpoint();
    String body = JSON.writeValueAsString(body());
    String key = apiKey != null ? apiKey : root.env().get(API_KEY_ENV);
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
        .header("content-type", "application/json").header("accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null && !key.isBlank()) request.header("x-api-key", key.trim());
    HttpResponse<String> response;
    try (HttpClient http = httpClient()) {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (SSLHandshakeException e) {
      throw new IllegalStateException("cannot reach " + endpoint + ": its certificate is not trusted (" + e.getMessage()
          + ")" + (caCertificates == null ? "; give the certificate or its CA with --cacert FILE" : ""), e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach " + endpoint, e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (response.statusCode() / 100 != 2) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.commandLine().getColorScheme().errorText("lookalike search: " + describeError(response)));
      err.flush();
      return ExitCode.SOFTWARE;
    }
    if (json) {
      out.println(response.body());
    } else {
      printTable(JSON.readTree(response.body()), out);
    }
    out.flush();
    return ExitCode.OK;
  }

  private HttpClient httpClient() {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caCertificates != null) builder.sslContext(new TrustedCertificates(trusted()).sslContext());
    return builder.build();
  }

  private List<X509Certificate> trusted() {
    try {
      List<X509Certificate> certificates = TrustedCertificates.readPem(caCertificates);
      if (certificates.isEmpty()) throw new CertificateException("no certificate in it");
      return certificates;
    } catch (NoSuchFileException e) {
      throw new ParameterException(spec.commandLine(), "--cacert: no such file " + caCertificates);
    } catch (IOException | CertificateException e) {
      throw new ParameterException(spec.commandLine(), "--cacert: " + caCertificates + " is not a PEM certificate: " + e.getMessage());
    }
  }

  private URI endpoint() {
    try {
      URI base = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
      if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) throw new IllegalArgumentException();
      return URI.create(base + "/v1/search");
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--server must be an http(s) URL, got '" + server + "'");
    }
  }

  /** The JSON body of POST /v1/search. */
  ObjectNode body() throws IOException {
    ObjectNode body = JSON.createObjectNode();
    if (query.image != null) {
      if (!Files.isRegularFile(query.image)) throw new ParameterException(spec.commandLine(), "no such file: " + query.image);
      body.putObject("nearImage").put("base64", Base64.getEncoder().encodeToString(Files.readAllBytes(query.image)));
    } else if (query.url != null) {
      body.putObject("nearImage").put("url", query.url);
    } else if (query.text != null) {
      body.putObject("nearText").put("text", query.text);
    } else {
      body.putObject("nearObject").put("id", query.id);
    }
    if (limit != null) body.put("limit", limit);
    if (minScore != null) body.put("minScore", minScore);
    if (vector != null) body.put("targetVector", vector);
    if (tenant != null) body.putObject("filter").put("tenant", tenant);
    return body;
  }

  /** "message (HTTP 422 CODE)" from {"error":{"code","message"}}, else the status and body. */
  static String describeError(HttpResponse<String> response) {
    String code = null;
    String message = null;
    try {
      JsonNode error = JSON.readTree(response.body()).path("error");
      code = error.path("code").asText(null);
      message = error.path("message").asText(null);
    } catch (IOException | RuntimeException notJson) {
      // fall through to the raw body
    }
    if (message == null) {
      String raw = response.body() == null ? "" : response.body().strip();
      message = raw.isEmpty() ? "no details" : raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
    }
    return message + " (HTTP " + response.statusCode() + (code == null ? "" : " " + code) + ")";
  }

  static void printTable(JsonNode answer, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"RANK", "IMAGE ID", "SCORE", "TAGS"});
    int rank = 1;
    for (JsonNode hit : answer.path("results")) {
      List<String> tags = new ArrayList<>();
      hit.path("tags").forEach(t -> tags.add(t.asText()));
      rows.add(new String[] {String.valueOf(rank++), hit.path("imageId").asText(),
          String.format(Locale.ROOT, "%.4f", hit.path("score").asDouble()), String.join(",", tags)});
    }
    if (rows.size() == 1) {
      out.println("No results.");
      return;
    }
    int[] widths = new int[3];
    for (String[] row : rows) for (int i = 0; i < 3; i++) widths[i] = Math.max(widths[i], row[i].length());
    for (String[] row : rows) {
      out.println((String.format(Locale.ROOT, "%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s  %s",
          row[0], row[1], row[2], row[3])).stripTrailing());
    }
  }
}
