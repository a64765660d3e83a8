package dev.lookalike.server.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.config.VectorConfig;
import dev.lookalike.embedding.Vectors;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.server.dev.SampleImages.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleImagesTest {

  private static List<Sample> samples;

  @BeforeAll
  static void generate() {
    samples = SampleImages.generate();
  }

  @Test
  void idsAreStableAndVariantsComeAfterTheirOriginal() {
    assertThat(samples).hasSize(25);
    assertThat(samples.subList(0, 16)).extracting(Sample::id).startsWith("sample-00", "sample-01").endsWith("sample-15");
    assertThat(samples.subList(16, 25)).extracting(Sample::id).containsExactly(
        "sample-00-resized", "sample-01-jpeg", "sample-02-cropped", "sample-03-brighter", "sample-04-captioned",
        "sample-05-resized", "sample-06-jpeg", "sample-07-cropped", "sample-00-copy");
    assertThat(samples).extracting(Sample::id).doesNotHaveDuplicates();
  }

  @Test
  void theSameBytesOnEveryRunAndOneExactCopy() {
    List<Sample> again = SampleImages.generate();

    for (int i = 0; i < samples.size(); i++) {
      assertThat(again.get(i).bytes()).as(samples.get(i).id()).isEqualTo(samples.get(i).bytes());
    }
    assertThat(byId("sample-00-copy").bytes()).isEqualTo(byId("sample-00").bytes());
    assertThat(byId("sample-01-jpeg").contentType()).isEqualTo("image/jpeg");
    assertThat(byId("sample-02").attributes()).containsEntry("category", "stripes").containsEntry("variant", "original");
    assertThat(byId("sample-03-brighter").tags()).containsExactly("sample", "texture");
  }

  @Test
  void imagesAreSmallEnoughToInline() {
    assertThat(samples).allSatisfy(s -> assertThat(s.bytes().length).as(s.id()).isBetween(1_000, 200_000));
  }

  /** The point of the set: the default perceptual vector pairs every variant with its original, and nothing else. */
  @Test
  void variantsAreNearDuplicatesOfTheirSceneOnlyUnderTheDefaultThreshold() {
    float threshold = (float) VectorConfig.DEFAULT_DUPLICATE_THRESHOLD;
    Map<String, float[]> vectors = embedAll();

    for (Sample s : samples) {
      for (Sample other : samples) {
        if (s.id().compareTo(other.id()) >= 0) continue;
        double score = Vectors.dot(vectors.get(s.id()), vectors.get(other.id()));
        if (s.scene().equals(other.scene())) {
          assertThat(score).as(s.id() + " ~ " + other.id()).isGreaterThanOrEqualTo(threshold);
        } else {
          assertThat(score).as(s.id() + " vs " + other.id()).isLessThan(threshold);
        }
      }
    }
  }

  private static Map<String, float[]> embedAll() {
    ImageDecoder decoder = new ImageDecoder();
    Map<String, float[]> vectors = new LinkedHashMap<>();
    try (PerceptualEmbedder embedder = new PerceptualEmbedder()) {
      for (Sample s : samples) {
        DecodedImage image = decoder.decode(s.bytes());
        vectors.put(s.id(), embedder.embed(image));
      }
    }
    return vectors;
  }

  private static Sample byId(String id) {
    return samples.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }
}
