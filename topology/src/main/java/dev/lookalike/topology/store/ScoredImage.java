package dev.lookalike.topology.store;

import java.util.Comparator;

/** A search hit. Ordered best first, ties by image id, so results are deterministic. */
public record ScoredImage(IndexedImage image, float score) {

  public static final Comparator<ScoredImage> BEST_FIRST =
      Comparator.comparing(ScoredImage::score, Comparator.reverseOrder())
          .thenComparing(s -> s.image().imageId());

  public String imageId() {
    return image.imageId();
  }
}
