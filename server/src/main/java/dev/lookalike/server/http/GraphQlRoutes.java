package dev.lookalike.server.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.server.http.graphql.GraphQlErrors;
import dev.lookalike.server.http.graphql.GraphQlException;
import dev.lookalike.server.http.graphql.GraphQlParser;
import dev.lookalike.server.http.graphql.WeaviateGet;
import dev.lookalike.server.query.NotReadyException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/graphql}: Weaviate's {@code Get} queries, so its clients (and code written for
 * Weaviate's {@code nearImage}) can search Lookalike unchanged; each class of the query is one
 * search. Errors come in GraphQL's shape, {@code {"errors":[{"message"}]}} (and Weaviate's), with the status a
 * search would have (400 for a query Lookalike cannot read, 503 with Retry-After while the
 * cluster moves), so the client sees the message.
 */
final class GraphQlRoutes {

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final SearchRoutes search;

  GraphQlRoutes(SearchRoutes search) {
    this.search = search;
  }

  void query(Context ctx) {
    try {
      List<WeaviateGet> classes = WeaviateGet.of(GraphQlParser.parse(queryOf(ctx.bodyAsBytes())));
      Map<String, Object> get = new LinkedHashMap<>();
      for (WeaviateGet one : classes) get.put(one.responseKey(), one.render(search.run(ctx, one.request(), true).images()));
      ctx.json(Map.of("data", Map.of("Get", get)));
    } catch (GraphQlException e) {
      errors(ctx, 400, e.code(), e.getMessage());
    } catch (ApiException e) {
      HttpApi.retryAfter(ctx, e);
      errors(ctx, e.status(), e.code(), e.getMessage());
    } catch (NotReadyException e) {
      ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
      errors(ctx, 503, e.code(), e.getMessage());
    }
  }

  /** The body is {"query": "...", "operationName"?, "variables"?}; variables are not supported (none may be given). */
  private static String queryOf(byte[] body) {
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      throw GraphQlException.badRequest("the body must be JSON: {\"query\": \"{ Get { ... } }\"}");
    }
    if (request == null || !request.isObject() || !request.path("query").isTextual()) {
      throw GraphQlException.badRequest("the body must be a JSON object with the query as a string: {\"query\": \"{ Get { ... } }\"}");
    }
    JsonNode variables = request.path("variables");
    if (!variables.isMissingNode() && !variables.isNull() && !variables.isEmpty()) {
      throw new GraphQlException("variables are not supported: write the values into the query");
    }
    return request.get("query").asText();
  }

  private static void errors(Context ctx, int status, String code, String message) {
    ctx.status(status).json(GraphQlErrors.body(code, message));
  }
}
