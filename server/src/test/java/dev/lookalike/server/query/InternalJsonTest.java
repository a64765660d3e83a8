package dev.lookalike.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.ScoredImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Search hits cross between instances as JSON: every value survives, the stream-thread cache does not travel. */
class InternalJsonTest {

  private final ObjectMapper json = InternalJson.mapper();

  @Test
  void hitsSurviveTheTripBetweenInstances() throws Exception {
    IndexedImage image = new IndexedImage("img-1", "acme", 1_700_000_000_000L, 42, "sha256:ab", List.of("cat", "red"),
        Map.of("source", "upload"));
    image.admissionFloor(0.75f);
    KnnRequest.Response sent = new KnnRequest.Response(List.of(new ScoredImage(image, 0.93f)));

    String wire = json.writeValueAsString(sent);
    KnnRequest.Response received = json.readValue(wire, KnnRequest.Response.class);

    assertThat(received).isEqualTo(sent);
    assertThat(received.hits().get(0).image().tags()).containsExactly("cat", "red");
    assertThat(wire).contains("\"imageId\":\"img-1\"", "\"uploadedAt\":1700000000000").doesNotContain("admissionFloor");
    assertThat(received.hits().get(0).image().admissionFloor()).isNaN();
  }
}
