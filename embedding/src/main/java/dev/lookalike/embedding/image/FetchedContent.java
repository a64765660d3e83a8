package dev.lookalike.embedding.image;

/**
 * Bytes downloaded by {@link ImageFetcher}.
 *
 * @param url         the final URL, after redirects
 * @param contentType as declared by the server, informational only (decoding sniffs magic bytes)
 */
public record FetchedContent(String url, String contentType, byte[] bytes) {
}
