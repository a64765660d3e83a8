package dev.lookalike.config;

import java.util.List;

/** The five external topics, by role. Internal topics are derived from the application id. */
public record TopicNames(String uploaded, String embedded, String nearDuplicates, String recommendations, String deadLetter) {

  public List<String> all() {
    return List.of(uploaded, embedded, nearDuplicates, recommendations, deadLetter);
  }
}
