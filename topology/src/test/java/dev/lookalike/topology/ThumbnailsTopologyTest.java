package dev.lookalike.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.internal.Thumbnail;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content stage keeps one JPEG thumbnail (at most 128 px) per distinct content, keyed by content hash. */
class ThumbnailsTopologyTest {

  @TempDir Path stateDir;
  private DriverHarness harness;

  @BeforeEach
  void start() {
    harness = new DriverHarness(stateDir, new PerceptualEmbedder(), Map.of(), url -> { throw new AssertionError("no URLs here"); });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private KeyValueStore<String, Thumbnail> store() {
    return harness.driver.getKeyValueStore(Names.CONTENT_THUMBNAILS_STORE);
  }

  private static BufferedImage read(Thumbnail t) throws Exception {
    ByteBuffer b = t.getJpeg().duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    assertThat(bytes[0] & 0xff).isEqualTo(0xFF);
    assertThat(bytes[1] & 0xff).isEqualTo(0xD8); // JPEG SOI
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void anEmbeddedImageHasAThumbnailUnderItsContentHashKeepingTheAspectRatio() throws Exception {
    harness.upload("wide", TestImages.encode(TestImages.generate(3, 400, 200), "png"), 1000);
    List<KeyValue<String, ImageEmbedded>> embedded = harness.embedded();
    assertThat(embedded).hasSize(1);
    Thumbnail thumbnail = store().get(embedded.get(0).value.getContentHash());
    assertThat(thumbnail).isNotNull();
    BufferedImage image = read(thumbnail);
    assertThat(image.getWidth()).isEqualTo(128).isEqualTo(thumbnail.getWidth());
    assertThat(image.getHeight()).isEqualTo(64).isEqualTo(thumbnail.getHeight());
  }

  @Test
  void aSmallImageIsNotUpscaled() throws Exception {
    harness.upload("small", TestImages.encode(TestImages.generate(4, 40, 30), "png"), 1000);
    Thumbnail thumbnail = store().get(harness.embedded().get(0).value.getContentHash());
    BufferedImage image = read(thumbnail);
    assertThat(image.getWidth()).isEqualTo(40);
    assertThat(image.getHeight()).isEqualTo(30);
  }

  @Test
  void cachedContentWithoutAThumbnailGetsOneWithoutASecondModelCall() throws Exception {
    byte[] bytes = TestImages.encode(TestImages.generate(5, 300, 300), "png");
    harness.upload("a", bytes, 1000);
    String hash = harness.embedded().get(0).value.getContentHash();
    store().delete(hash); // as if cached by a release before thumbnails
    harness.upload("b", bytes, 2000);
    assertThat(harness.embedCalls.get()).isEqualTo(1);
    assertThat(read(store().get(hash)).getWidth()).isEqualTo(128);
    assertThat(LookalikeTopology.storeNames(harness.config)).contains(Names.CONTENT_THUMBNAILS_STORE);
  }

  @Test
  void anUndecodableUploadHasNoThumbnailAndStillDeadLetters() {
    harness.upload("junk", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 1000);
    assertThat(harness.deadLetters()).hasSize(1);
    try (var all = store().all()) {
      assertThat(all.hasNext()).isFalse();
    }
  }
}
