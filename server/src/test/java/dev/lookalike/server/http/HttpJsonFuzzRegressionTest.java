package dev.lookalike.server.http;

import static dev.lookalike.server.http.HttpJsonFuzzTest.check;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inputs the HTTP fuzz test ({@link HttpJsonFuzzTest}) found, minimized, as plain tests of its property. */
class HttpJsonFuzzRegressionTest {

  @BeforeAll
  static void start() {
    HttpJsonFuzzTest.start();
  }

  @AfterAll
  static void stop() {
    HttpJsonFuzzTest.stop();
  }

  private static void post(String path, String contentType, String body) throws Exception {
    check(path, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Jackson reads the JSON literal null as a null SearchRequest: it was a NullPointerException, a 500. */
  @Test
  void searchWithTheBodyNull() throws Exception {
    post("/v1/search", "application/json", "null");
  }

  @Test
  void searchWithANullTag() throws Exception {
    post("/v1/search", "application/json", "{\"nearObject\":{\"id\":\"a\"},\"filter\":{\"tags\":[null]}}");
  }

  @Test
  void searchWithANullAttribute() throws Exception {
    post("/v1/search", "application/json", "{\"nearObject\":{\"id\":\"a\"},\"filter\":{\"attributes\":{\"k\":null}}}");
  }
}
