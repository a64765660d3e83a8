/**
 * Embedders backed by hosted image-embedding APIs (Azure AI Vision multimodal embeddings,
 * Azure AI Foundry image embeddings, CoreViz), and the small HTTP machinery they share:
 * {@link dev.lookalike.embedding.hosted.HostedClient} (timeouts, retries with backoff and
 * {@code Retry-After}, an overall deadline) guarded by a
 * {@link dev.lookalike.embedding.hosted.CircuitBreaker}. Every failure surfaces as a
 * {@link dev.lookalike.embedding.hosted.ProviderException} with a stable
 * {@link dev.lookalike.embedding.hosted.ProviderErrorCode}. API keys are never logged nor put
 * in exception messages, and the config records redact them from {@code toString()}.
 */
package dev.lookalike.embedding.hosted;
