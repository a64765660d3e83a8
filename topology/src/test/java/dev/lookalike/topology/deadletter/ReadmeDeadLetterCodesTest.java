package dev.lookalike.topology.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.embedding.hosted.ProviderErrorCode;
import dev.lookalike.embedding.image.ImageErrorCode;
import dev.lookalike.serde.EventDecodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * README's table of dead-letter codes is what an operator writes alerts and replays from: it must name every
 * code a letter can carry (each has a lookalike_dead_letters_total series) and say which are retriable. It named
 * two thirds of them in a sentence, without MISSING_KEY, EMPTY_IMAGE, BAD_URL or the retriable REGISTRY_UNAVAILABLE.
 */
class ReadmeDeadLetterCodesTest {

  @Test
  void readmeListsEveryDeadLetterCodeWithWhetherItIsRetriable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("<!-- dead-letter-codes:start -->");
    int end = readme.indexOf("<!-- dead-letter-codes:end -->");
    assertThat(start).as("README.md has the dead-letter-codes markers").isNotNegative();
    assertThat(end).isGreaterThan(start);
    Map<String, String> documented = new TreeMap<>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (!line.startsWith("| `")) continue;
      String[] cells = line.split("\\|");
      documented.put(cells[1].trim().replace("`", ""), cells[2].trim());
    }

    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(ErrorCodes.all());
    assertThat(documented).containsAllEntriesOf(retriable());
  }

  /** "yes" or "no" as the code decides; HTTP_ERROR depends on the status. */
  private static Map<String, String> retriable() {
    Map<String, String> expected = new LinkedHashMap<>();
    for (String own : ErrorCodes.all()) expected.put(own, "no");
    Arrays.stream(EventDecodingException.ErrorCode.values()).forEach(c -> expected.put(c.name(), c.retriable() ? "yes" : "no"));
    Arrays.stream(ImageErrorCode.values()).forEach(c -> expected.put(c.name(), c.retriableByDefault() ? "yes" : "no"));
    Arrays.stream(ProviderErrorCode.values()).forEach(c -> expected.put(c.name(), c.retriable() ? "yes" : "no"));
    expected.put(ImageErrorCode.HTTP_ERROR.name(), "for 408, 429, 5xx");
    return expected;
  }
}
