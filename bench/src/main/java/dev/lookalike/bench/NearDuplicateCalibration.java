package dev.lookalike.bench;

import static dev.lookalike.bench.CalibrationReport.f;

import dev.lookalike.embedding.perceptual.PerceptualEmbedder;
import dev.lookalike.embedding.testing.NearDuplicateProtocol;
import dev.lookalike.embedding.testing.NearDuplicateProtocol.Embedded;
import dev.lookalike.embedding.testing.NearDuplicateProtocol.Scores;
import dev.lookalike.embedding.testing.NearDuplicateProtocol.Transform;
import dev.lookalike.embedding.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Calibrates the perceptual embedder's near-duplicate threshold: the quality test's protocol
 * (every edit of every base against its original and against all other bases) on 1000
 * generated bases and, when given a folder of real PNGs (bench/run-calibration.sh fetches
 * Debian's openclipart-png), on real images. Writes a markdown report and prints it.
 *
 * <p>Usage: {@code NearDuplicateCalibration [--bases N] [--real-dir DIR] [--real-count N] [--out FILE]}
 */
public final class NearDuplicateCalibration {

    private static final double THRESHOLD = PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD;

    private final PerceptualEmbedder embedder = new PerceptualEmbedder();
    private final List<Transform> transforms = NearDuplicateProtocol.standardTransforms();
    private final CalibrationReport report = new CalibrationReport();

    public static void main(String[] args) throws IOException {
        int bases = Integer.parseInt(option(args, "--bases", "1000"));
        String realDir = option(args, "--real-dir", "");
        int realCount = Integer.parseInt(option(args, "--real-count", "1000"));
        Path out = Path.of(option(args, "--out", "bench/results/near-duplicate-calibration.md"));

        NearDuplicateCalibration calibration = new NearDuplicateCalibration();
        calibration.header();
        calibration.generated(bases);
        if (!realDir.isEmpty() && Files.isDirectory(Path.of(realDir))) {
            calibration.real(RealImageSet.select(Path.of(realDir), realCount));
        } else {
            calibration.report.line("## Real images").line("").line("Not run: no `--real-dir` given.").line("");
        }
        calibration.speed();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, calibration.report.toString());
        System.out.println(calibration.report);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private void header() {
        report.line("# Near-duplicate calibration: `" + embedder.modelId() + "`").line("")
                .line("Produced by `bench/run-calibration.sh` (`dev.lookalike.bench.NearDuplicateCalibration`); "
                        + f("JDK %s, %d cores.", Runtime.version(), Runtime.getRuntime().availableProcessors()))
                .line("").line("## Protocol").line("")
                .line(f("Each base image is edited %d ways (below). An edited copy against its own base is a positive "
                        + "pair; against every other base, a negative pair. Scores are cosine similarities of "
                        + "`perceptual` vectors (%d dimensions). Recall = positives scoring at or above the threshold; "
                        + "precision = those true positives over all pairs at or above it. The default threshold is "
                        + "`PerceptualEmbedder.DEFAULT_DUPLICATE_THRESHOLD` = **%.2f**.", transforms.size(),
                        embedder.dimensions(), THRESHOLD)).line("")
                .line("Edits: `resize-50` half size; `jpeg-q30` JPEG quality 30; `crop-80-*` keeps 80% of the area "
                        + "(centred, top-left and bottom-right corners); `brightness±20` channels x1.2 / x0.8; "
                        + "`contrast±20` around mid-grey; `caption` white outlined text, 1/12 of the height, lower left; "
                        + "`watermark` a half-transparent label, lower right.").line("")
                .line("How the default was chosen: precision first, because a false duplicate can make a pipeline "
                        + "drop a unique image. On generated images 0.88 is where false positives among about 11 "
                        + "million unrelated pairs fall to a handful while recall stays near 0.97; "
                        + "the quality test (`NearDuplicateQualityTest`, 200 bases) must keep recall >= 0.95 and "
                        + "precision >= 0.99 there. Real collections with many look-alike originals (flags, icon "
                        + "sets) need a higher threshold or a second, semantic vector; see the real-image sweep.")
                .line("");
    }

    private void generated(int bases) {
        Embedded run = NearDuplicateProtocol.embed(embedder, bases, i -> TestImages.generate(100_000 + i), transforms);
        Scores scores = run.score();
        report.line(f("## Generated images (%d bases, seeds 100000+)", bases)).line("")
                .line(f("`TestImages.generate`: random gradient, radial, cloud or horizon backgrounds, optional "
                        + "stripes or checks, 3-9 shapes, sensor noise; 320-640 px wide. %d positive and %,d negative "
                        + "pairs; embedding took %.1f s on all cores.", scores.positiveCount(), scores.negatives().length,
                        run.nanos() / 1e9)).line("");
        section(scores);
        report.lowestThreshold(scores, 0.99).lowestThreshold(scores, 0.999);
    }

    private void real(RealImageSet set) {
        Embedded run = NearDuplicateProtocol.embed(embedder, set.files().size(), set::load, transforms);
        IntUnaryOperator folder = i -> set.groups().get(i);
        Scores all = run.score();
        Scores crossFolder = run.score(folder);
        report.line(f("## Real images: openclipart-png (%d images from %d folders)", set.files().size(), set.folders()))
                .line("").line("Debian `openclipart-png` (public-domain clip art, transparency laid over white). "
                        + "Selected round-robin over folders, pixel-identical copies dropped, at least 64 px a side. "
                        + "Clip art is a hard case for a layout descriptor: flat shapes on white, and folders full of "
                        + "deliberate variants (stars with 20 vs 23 points, the same card in four suits). Those "
                        + "variants are near-duplicates to the eye but count as negatives here, so precision is "
                        + "shown twice: against all other images, and against images from other folders only.")
                .line("");
        section(all);
        report.line("### Precision against other folders only").line("");
        report.summary(crossFolder, THRESHOLD).sweep(crossFolder, THRESHOLD).lowestThreshold(crossFolder, 0.99);
        report.line("### The highest-scoring unrelated pairs (other folders)").line("")
                .line("| score | edited copy of | edit | scored against |").line("|---:|---|---|---|");
        for (TopNegatives.Pair pair : TopNegatives.find(run, folder, 12)) {
            report.line(f("| %.3f | %s | %s | %s |", pair.score(), set.name(pair.variantOf()), pair.edit(),
                    set.name(pair.base())));
        }
        report.line("");
    }

    private void section(Scores scores) {
        report.summary(scores, THRESHOLD).line("### Recall per edit").line("").recallPerEdit(scores, THRESHOLD)
                .line("### Score distributions").line("").distributions(scores)
                .line("### Threshold sweep").line("").sweep(scores, THRESHOLD);
    }

    private void speed() {
        report.line("## Speed").line("")
                .line("Single thread, after warm-up. Embedding reads every pixel once (images over 2^18 pixels "
                        + "are sampled on a regular lattice), so cost grows with size up to that cap.").line("")
                .timing(EmbedTiming.measure(embedder));
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
