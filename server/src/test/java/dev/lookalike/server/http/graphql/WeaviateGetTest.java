package dev.lookalike.server.http.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.server.http.SearchRequest;
import dev.lookalike.topology.store.IndexedImage;
import dev.lookalike.topology.store.ScoredImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weaviate Get queries read as Lookalike searches, and the answers shaped as Weaviate's. */
class WeaviateGetTest {

  @Test
  void theClientsQueryBecomesOneSearch() {
    WeaviateGet get = single(GraphQlParserTest.CLIENT_QUERY);

    SearchRequest request = get.request();
    assertThat(get.className()).isEqualTo("Image");
    assertThat(request.nearImage().image()).isEqualTo("iVBORw0KGgo=");
    assertThat(request.nearImage().distance()).isEqualTo(0.3f);
    assertThat(request.targetVector()).isEqualTo("perceptual");
    assertThat(request.limit()).isEqualTo(5);
    assertThat(request.filter().tags()).containsExactly("cat");
  }

  @Test
  void whereFiltersJoinedByAndMapToTagsTenantAndAttributes() {
    WeaviateGet get = single("""
        { Get { Image(nearVector: {vector: [1, 0.5]}, tenant: "acme", where: {operator: And, operands: [
            {path: ["tags"], operator: Equal, valueText: "cat"},
            {path: ["attributes", "camera"], operator: Equal, valueText: "x100"},
            {path: ["album"], operator: Equal, valueString: "2026"}]}) { imageId } } }""");

    SearchRequest.Filter filter = get.request().filter();
    assertThat(get.request().nearVector().vector()).containsExactly(1f, 0.5f);
    assertThat(filter.tenant()).isEqualTo("acme");
    assertThat(filter.tags()).containsExactly("cat");
    assertThat(filter.attributes()).isEqualTo(Map.of("camera", "x100", "album", "2026"));
  }

  @Test
  void answersCarryOnlyTheSelectedFieldsWithWeaviatesDistanceAndCertainty() {
    WeaviateGet get = single("{ Get { Photo(nearObject: {id: \"a\"}) { __typename imageId uploadedAt when: uploadedAt "
        + "attributes { camera } _additional { distance certainty id } } } }");
    IndexedImage image = new IndexedImage("b", "acme", 86_400_000L, 1, "hash", List.of("cat"), Map.of("camera", "x100", "lens", "35"));

    List<Map<String, Object>> answer = get.render(List.of(new ScoredImage(image, 0.8f)));

    assertThat(answer).singleElement().satisfies(hit -> {
      assertThat(hit.keySet()).containsExactly("__typename", "imageId", "uploadedAt", "when", "attributes", "_additional");
      assertThat(hit).containsEntry("__typename", "Photo").containsEntry("uploadedAt", "1970-01-02T00:00:00Z")
          .containsEntry("attributes", Map.of("camera", "x100"));
      @SuppressWarnings("unchecked")
      Map<String, Object> additional = (Map<String, Object>) hit.get("_additional");
      assertThat(additional.keySet()).containsExactly("distance", "certainty", "id");
      assertThat((float) additional.get("distance")).isCloseTo(0.2f, org.assertj.core.data.Offset.offset(1e-6f));
      assertThat((float) additional.get("certainty")).isCloseTo(0.9f, org.assertj.core.data.Offset.offset(1e-6f));
    });
  }

  @Test
  void whatLookalikeCannotAnswerIsRefusedBeforeAnySearch() {
    assertRefused("{ Aggregate { Image { meta { count } } } }", "only a Get query is supported");
    assertRefused("{ Get { Image(bm25: {query: \"cat\"}) { imageId } } }", "argument 'bm25' of Image is not supported");
    assertRefused("{ Get { Image(nearImage: {image: \"x\", moveTo: {}}) { imageId } } }", "nearImage.moveTo is not supported");
    assertRefused("{ Get { Image(nearObject: {id: \"a\"}) { title } } }", "no property 'title'");
    assertRefused("{ Get { Image(nearObject: {id: \"a\"}) { _additional { vector } } } }", "_additional { vector } is not supported");
    assertRefused("{ Get { Image(nearObject: {id: \"a\"}, where: {path: [\"tags\"], operator: ContainsAny, valueText: [\"a\", \"b\"]}) "
        + "{ imageId } } }", "where [tags] ContainsAny is not supported; Lookalike filters tags (ContainsAll, Equal)");
    assertRefused("{ Get { Image(nearObject: {id: \"a\"}, where: {operator: Or, operands: [{path: [\"tags\"], operator: Equal, "
        + "valueText: \"a\"}]}) { imageId } } }", "where Or is not supported; Lookalike's filters are joined by And");
    assertRefused("{ Get { Image(nearObject: {id: \"a\", targetVectors: [\"x\", \"y\"]}) { imageId } } }", "names one vector");
    assertRefused("{ Get { Image(nearObject: {id: \"a\"}) } }", "Image needs a selection");
  }

  private static WeaviateGet single(String query) {
    List<WeaviateGet> gets = WeaviateGet.of(GraphQlParser.parse(query));
    assertThat(gets).hasSize(1);
    return gets.get(0);
  }

  @Test
  void aValueOfTheWrongKindIsABadRequestNotUnsupported() {
    assertThatThrownBy(() -> WeaviateGet.of(GraphQlParser.parse("{ Get { Image(nearObject: {id: 5}) { imageId } } }")))
        .isInstanceOfSatisfying(GraphQlException.class, e -> {
          assertThat(e.code()).isEqualTo(GraphQlException.BAD_REQUEST);
          assertThat(e.getMessage()).isEqualTo("nearObject.id must be a string");
        });
    assertThatThrownBy(() -> WeaviateGet.of(GraphQlParser.parse("{ Get { Image(nearObject: {id: \"a\"}, limit: 2.5) { imageId } } }")))
        .isInstanceOfSatisfying(GraphQlException.class, e -> assertThat(e.code()).isEqualTo(GraphQlException.BAD_REQUEST))
        .hasMessage("limit must be a whole number");
  }

  private static void assertRefused(String query, String message) {
    assertThatThrownBy(() -> WeaviateGet.of(GraphQlParser.parse(query)))
        .isInstanceOfSatisfying(GraphQlException.class, e -> assertThat(e.code()).isEqualTo(GraphQlException.UNSUPPORTED))
        .hasMessageContaining(message);
  }
}
