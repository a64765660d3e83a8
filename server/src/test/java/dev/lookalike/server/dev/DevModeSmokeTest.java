package dev.lookalike.server.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.config.LookalikeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * README command (a), in CI: the whole embedded stack (broker, a real registry process, the
 * service), the sample set published, the banner printed, a query answered, and a clean stop.
 */
class DevModeSmokeTest {

  @Test
  void devModeServesTheSamplesAndStopsCleanly() throws Exception {
    StringWriter banner = new StringWriter();
    DevMode dev = new DevMode(new PrintWriter(banner, true));
    try {
      dev.start(new DevOptions(0, 0, 0, 2, true, null), LookalikeConfig.of(Map.of()));
      assertThat(banner.toString()).contains(dev.httpUrl(), dev.bootstrapServers(), dev.registryUrl(), "images.near-duplicates");

      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(dev.httpUrl() + "/v1/images/sample-00/duplicates")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode duplicates = new ObjectMapper().readTree(response.body()).path("duplicates");
      assertThat(StreamSupport.stream(duplicates.spliterator(), false).map(d -> d.path("imageId").asText()).toList())
          .contains("sample-00-copy");
    } finally {
      dev.close();
    }
  }
}
