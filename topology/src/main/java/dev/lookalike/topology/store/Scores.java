package dev.lookalike.topology.store;

/** Scores as reported to people and events: cosine similarity, whatever float rounding did. */
public final class Scores {

  private Scores() {}

  /** Two unit vectors can score 1.0000002 after rounding; a cosine is never outside [-1, 1]. */
  public static float clamp(float score) {
    return Math.max(-1f, Math.min(1f, score));
  }
}
