package dev.lookalike.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml} and {@code GET /openapi.json}: the OpenAPI 3.1 description of the
 * public API ({@code /internal/v1} is instance-to-instance and not part of it). The YAML on the
 * classpath is the source; the JSON is converted from it once.
 */
public final class OpenApiRoutes {

  public static final String RESOURCE = "/openapi.yaml";

  private static final byte[] YAML = load();
  private static final byte[] JSON = toJson(YAML);

  private OpenApiRoutes() {}

  public static void register(RoutesConfig routes) {
    routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(YAML));
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(JSON));
  }

  /** The document as written (YAML). */
  public static byte[] yaml() {
    return YAML.clone();
  }

  private static byte[] load() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] toJson(byte[] yaml) {
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(new YAMLMapper().readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml does not parse", e);
    }
  }
}
