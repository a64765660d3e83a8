package dev.lookalike.topology;

/**
 * Loads the bytes behind an image URL (guards, limits and timeouts included); throws
 * {@link dev.lookalike.embedding.image.ImageLoadException} with a reason when it cannot.
 */
@FunctionalInterface
public interface UrlFetcher {
  byte[] fetch(String url);
}
