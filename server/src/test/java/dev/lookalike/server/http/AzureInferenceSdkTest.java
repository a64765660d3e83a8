package dev.lookalike.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.ai.inference.ImageEmbeddingsClient;
import com.azure.ai.inference.ImageEmbeddingsClientBuilder;
import com.azure.ai.inference.models.EmbeddingItem;
import com.azure.ai.inference.models.EmbeddingsResult;
import com.azure.ai.inference.models.ImageEmbeddingInput;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.server.auth.ApiKeysTest;
import dev.lookalike.server.tls.TestCertificates;
import dev.lookalike.topology.TopologyServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Microsoft's own Azure AI Inference client ({@code com.azure:azure-ai-inference}), pointed at
 * Lookalike's {@code /images/embeddings} over HTTPS with an API key: the promise that a hosted API's
 * existing clients work unchanged, checked with a client we did not write. (The other seed tests
 * send the shapes through our own provider clients, which only shows the two halves agree.)
 */
class AzureInferenceSdkTest {

  private static final String KEY = "foundry-client-key";
  private static final byte[] PNG = TestImages.encode(TestImages.generate(41), "png");
  private static HttpApi api;
  private static ImageFetcher fetcher;
  private static float[] expected;

  @TempDir
  static Path certificates;
  private static TestCertificates.Identity identity;

  /** Over HTTPS: the SDK refuses to send a key over plain HTTP ("Key credentials require HTTPS"). */
  @BeforeAll
  static void start() {
    identity = TestCertificates.selfSigned(certificates, "localhost", "EC");
    LookalikeConfig config = LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_PORT, "0",
        LookalikeConfig.AUTH_API_KEYS, ApiKeysTest.hash(KEY) + ":acme",
        LookalikeConfig.HTTP_TLS_CERTIFICATE, identity.certificatePem().toString(),
        LookalikeConfig.HTTP_TLS_PRIVATE_KEY, identity.keyPem().toString()));
    fetcher = new ImageFetcher(FetcherConfig.defaults());
    Embedder perceptual = new PerceptualEmbedder();
    TopologyServices services = new TopologyServices(new InMemorySchemaRegistryClient(), List.of(perceptual), new ImageDecoder(),
        url -> fetcher.fetch(url).bytes(), Clock.systemUTC(), new SimpleMeterRegistry());
    api = HttpApi.start(config, services, fetcher);
    expected = perceptual.embed(new ImageDecoder().decode(PNG));
  }

  @AfterAll
  static void stop() {
    api.close();
    fetcher.close();
  }

  private static ImageEmbeddingsClient client(String key) {
    // The client trusts our test certificate as a user's client trusts the service's.
    OkHttpClient trusting = new OkHttpClient.Builder()
        .sslSocketFactory(identity.sslContext().getSocketFactory(), identity.trustManager()).build();
    return new ImageEmbeddingsClientBuilder()
        .endpoint("https://localhost:" + api.port())
        .credential(new AzureKeyCredential(key))
        .httpClient(new OkHttpAsyncHttpClientBuilder(trusting).build())
        // One try: a refusal must reach the test as it is, not after the SDK's backoff.
        .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))))
        .buildClient();
  }

  @Test
  void theSdkEmbedsAnImageFileAndReadsOurAnswer(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("photo.png"), PNG);
    EmbeddingsResult result = client(KEY).embed(List.of(new ImageEmbeddingInput(file, "png")));

    assertThat(result.getData()).hasSize(1);
    EmbeddingItem item = result.getData().get(0);
    assertThat(item.getIndex()).isZero();
    assertThat(item.getEmbeddingList()).containsExactly(boxed(expected));
    assertThat(result.getModel()).isEqualTo(new PerceptualEmbedder().modelId()); // the SDK names no model: the default vector's
    assertThat(result.getUsage().getTotalTokens()).isZero();
  }

  @Test
  void theSdkGetsEveryItemOfABatchInOrder() {
    byte[] other = TestImages.encode(TestImages.generate(42), "png");
    float[] otherVector = new PerceptualEmbedder().embed(new ImageDecoder().decode(other));
    EmbeddingsResult result = client(KEY).embed(List.of(new ImageEmbeddingInput(dataUrl(PNG)), new ImageEmbeddingInput(dataUrl(other))));

    assertThat(result.getData()).extracting(EmbeddingItem::getIndex).containsExactly(0, 1);
    assertThat(result.getData().get(1).getEmbeddingList()).containsExactly(boxed(otherVector));
  }

  @Test
  void ourRefusalsReachTheSdkAsItsHttpErrors() {
    HttpResponseException wrongKey = catchThrowableOfType(HttpResponseException.class,
        () -> client("not-a-key").embed(List.of(new ImageEmbeddingInput(dataUrl(PNG)))));
    assertThat(wrongKey.getResponse().getStatusCode()).isEqualTo(401);

    HttpResponseException notAnImage = catchThrowableOfType(HttpResponseException.class,
        () -> client(KEY).embed(List.of(new ImageEmbeddingInput(dataUrl("not a png".getBytes())))));
    assertThat(notAnImage.getResponse().getStatusCode()).isEqualTo(415);
    assertThat(notAnImage.getMessage()).contains("input[0]");
  }

  private static String dataUrl(byte[] png) {
    return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png);
  }

  private static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  }
}
