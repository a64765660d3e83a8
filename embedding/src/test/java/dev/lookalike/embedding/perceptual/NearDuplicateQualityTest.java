package dev.lookalike.embedding.perceptual;

import static dev.lookalike.embedding.perceptual.PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lookalike.embedding.testing.NearDuplicateProtocol;
import dev.lookalike.embedding.testing.NearDuplicateProtocol.Scores;
import dev.lookalike.embedding.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The perceptual embedder's contract: edited copies score at or above the default threshold
 * against their originals, unrelated images below it. 200 generated bases x 11 edits; every
 * edited copy is compared with its own base (2,200 positives) and all other bases (437,800
 * negatives). The larger calibration run lives in bench/ (NearDuplicateCalibration).
 */
class NearDuplicateQualityTest {

    private static final int BASES = 200;
    private static Scores scores;

    @BeforeAll
    static void run() {
        scores = NearDuplicateProtocol.run(new PerceptualEmbedder(), BASES, seed -> TestImages.generate(10_000 + seed),
                NearDuplicateProtocol.standardTransforms());
        for (String transform : scores.positives().keySet()) {
            System.out.printf("%-22s recall %.3f%n", transform, scores.recall(transform, DEFAULT_DUPLICATE_THRESHOLD));
        }
        System.out.printf("overall recall %.4f precision %.4f (%d false positives)%n",
                scores.recall(DEFAULT_DUPLICATE_THRESHOLD), scores.precision(DEFAULT_DUPLICATE_THRESHOLD),
                scores.falsePositives(DEFAULT_DUPLICATE_THRESHOLD));
    }

    @Test
    void findsEditedCopies() {
        assertThat(scores.positiveCount()).isEqualTo(BASES * 11L);
        assertThat(scores.recall(DEFAULT_DUPLICATE_THRESHOLD)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void doesNotConfuseUnrelatedImages() {
        assertThat(scores.negatives()).hasSize(BASES * 11 * (BASES - 1));
        assertThat(scores.precision(DEFAULT_DUPLICATE_THRESHOLD)).isGreaterThanOrEqualTo(0.99);
    }

    /** Overall recall could hide one edit failing outright; each must mostly work on its own. */
    @Test
    void everyEditIsMostlyRecognised() {
        for (String transform : scores.positives().keySet()) {
            assertThat(scores.recall(transform, DEFAULT_DUPLICATE_THRESHOLD)).as(transform).isGreaterThanOrEqualTo(0.85);
        }
    }
}
