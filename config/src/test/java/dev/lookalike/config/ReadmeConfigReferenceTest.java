package dev.lookalike.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration reference in README.md is generated; this keeps it from drifting. */
class ReadmeConfigReferenceTest {

  @Test
  void readmeHoldsTheGeneratedReference() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    assertThat(text)
        .as("README.md config reference is stale: regenerate it with ./lookalike config-docs and paste it between the markers")
        .contains("<!-- config-reference:start -->\n" + ConfigDocs.markdown() + "<!-- config-reference:end -->");
  }
}
