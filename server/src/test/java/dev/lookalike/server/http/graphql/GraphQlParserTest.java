package dev.lookalike.server.http.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.server.http.graphql.GraphQlParser.EnumValue;
import dev.lookalike.server.http.graphql.GraphQlParser.Field;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The GraphQL Weaviate's clients send, and what a hostile or careless query gets. */
class GraphQlParserTest {

  /** As io.weaviate:client 5.5 writes it (captured from its requests). */
  static final String CLIENT_QUERY = "{Get{Image(where:{path:[\"tags\"] valueText:[\"cat\"] operator:ContainsAll} "
      + "nearImage:{image:\"iVBORw0KGgo=\" distance:0.3 targetVectors:[\"perceptual\"]} limit:5){tenant _additional{id distance certainty}}}}";

  @Test
  void readsWhatWeaviatesClientSends() {
    List<Field> operation = GraphQlParser.parse(CLIENT_QUERY);

    Field image = operation.get(0).selection().get(0);
    assertThat(operation).extracting(Field::name).containsExactly("Get");
    assertThat(image.name()).isEqualTo("Image");
    assertThat(image.arguments().get("where")).isEqualTo(Map.of("path", List.of("tags"), "valueText", List.of("cat"),
        "operator", new EnumValue("ContainsAll")));
    assertThat(image.arguments().get("nearImage")).isEqualTo(Map.of("image", "iVBORw0KGgo=", "distance", new BigDecimal("0.3"),
        "targetVectors", List.of("perceptual")));
    assertThat(image.arguments().get("limit")).isEqualTo(new BigDecimal(5));
    assertThat(image.selection()).extracting(Field::name).containsExactly("tenant", "_additional");
    assertThat(image.selection().get(1).selection()).extracting(Field::name).containsExactly("id", "distance", "certainty");
  }

  @Test
  void namedOperationsAliasesCommasCommentsAndEscapes() {
    List<Field> operation = GraphQlParser.parse("""
        # a comment
        query Similar {
          Get {
            cats: Image(nearObject: {id: "a\\"b\\u00e9\\n"}, limit: 2, flag: true, none: null, n: -1.5e2) {
              imageId, _additional { id }
            }
          }
        }""");
    Field cats = operation.get(0).selection().get(0);
    assertThat(cats.responseKey()).isEqualTo("cats");
    assertThat(cats.name()).isEqualTo("Image");
    assertThat(cats.arguments()).containsEntry("nearObject", Map.of("id", "a\"bé\n")).containsEntry("flag", true)
        .containsEntry("none", null).containsEntry("n", new BigDecimal("-1.5e2"));
  }

  @Test
  void syntaxErrorsAndUnsupportedGraphQlHaveTheirOwnCodes() {
    assertThatThrownBy(() -> GraphQlParser.parse("{ Get {")).isInstanceOfSatisfying(GraphQlException.class,
        e -> assertThat(e.code()).isEqualTo(GraphQlException.SYNTAX));
    assertThatThrownBy(() -> GraphQlParser.parse("{ Get { Image { ...parts } } }")).isInstanceOfSatisfying(GraphQlException.class,
        e -> assertThat(e.code()).isEqualTo(GraphQlException.UNSUPPORTED));
  }

  @Test
  void whatIsNotSupportedSaysSo() {
    assertRefused("query Q($img: String) { Get { Image { imageId } } }", "variables are not supported");
    assertRefused("{ Get { Image(nearImage: {image: $img}) { imageId } } }", "variables are not supported");
    assertRefused("{ Get { Image { ...parts } } }", "fragments are not supported");
    assertRefused("{ Get { Image @include(if: true) { imageId } } }", "directives are not supported");
    assertRefused("mutation { Add { id } }", "mutation is not supported");
    assertRefused("{ Get { Image(nearImage: {image: \"\"\"x\"\"\"}) { imageId } } }", "block strings are not supported");
  }

  @Test
  void malformedQueriesSayWhereAndWhat() {
    assertRefused("", "the query is empty");
    assertRefused("{ Get { Image(limit: 5 { imageId } } }", "expected a name, found '{' (line 1, column 24)");
    assertRefused("{ Get { Image(nearImage: {image: \"abc}) { imageId } } }", "a string is not closed");
    assertRefused("{ Get { Image { imageId } } } {", "one operation per request");
    assertRefused("{ Get { Image(limit: 1, limit: 2) { imageId } } }", "argument 'limit' is given twice");
    assertRefused("{ Get { Image(n: 1.2.3) { imageId } } }", "'1.2.3' is not a number");
    assertRefused("{ Get {", "the query ends too early");
    assertRefused("{ Get { Image(s: \"\\q\") { imageId } } }", "unknown escape \\q");
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "{ Get { Image(v: " + "[".repeat(100_000) + ") { imageId } } }";
    assertRefused(deep, "nested deeper than " + GraphQlParser.MAX_DEPTH + " levels");
  }

  /** Seeded mutations of a real query: whatever comes in, the answer is a parsed query or a GraphQlException. */
  @Test
  void garbageNeverEscapesAsAnotherException() {
    Random random = new Random(42);
    String alphabet = "{}()[]:,\"\\$@.#-0123456789abcXYZ_ \n\u00e9";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder query = new StringBuilder(CLIENT_QUERY);
      for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
        int at = random.nextInt(query.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> query.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> { if (at < query.length()) query.deleteCharAt(at); }
          default -> query.setLength(Math.min(at, query.length()));
        }
      }
      try {
        GraphQlParser.parse(query.toString());
      } catch (GraphQlException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  private static void assertRefused(String query, String message) {
    assertThatThrownBy(() -> GraphQlParser.parse(query)).isInstanceOf(GraphQlException.class).hasMessageContaining(message);
  }
}
