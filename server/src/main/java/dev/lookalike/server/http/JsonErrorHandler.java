package dev.lookalike.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before any route runs (an over-long URI, too many header bytes, a
 * malformed request line) answered in our JSON shape instead of Jetty's HTML page. The cause
 * is never written out.
 */
final class JsonErrorHandler extends ErrorHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                  Callback callback) throws IOException {
    String reason = HttpStatus.getMessage(code);
    byte[] body = JSON.writeValueAsBytes(Map.of("error", Map.of("code", codeName(code),
        "message", message == null || message.isBlank() ? reason : message)));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static String codeName(int code) {
    return switch (code) {
      case 400 -> "BAD_REQUEST";
      case 413 -> "PAYLOAD_TOO_LARGE";
      case 414 -> "URI_TOO_LONG";
      case 431 -> "HEADERS_TOO_LARGE";
      default -> "HTTP_" + code;
    };
  }
}
