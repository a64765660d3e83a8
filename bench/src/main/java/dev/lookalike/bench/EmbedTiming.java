package dev.lookalike.bench;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.testing.TestImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Single-threaded wall time per call, median over many calls after a warm-up. */
final class EmbedTiming {

    record Row(String what, double medianMillis, double p90Millis) {
    }

    private EmbedTiming() {
    }

    static List<Row> measure(Embedder embedder) {
        List<Row> rows = new ArrayList<>();
        List<DecodedImage> photos = decodedJpegs(640, 480, 40);
        rows.add(time("embed 640x480 (decoded JPEG, 3-byte BGR)", 2000, i -> embedder.embed(photos.get(i % 40))));
        List<DecodedImage> small = decodedJpegs(320, 240, 40);
        rows.add(time("embed 320x240 (decoded JPEG)", 2000, i -> embedder.embed(small.get(i % 40))));
        DecodedImage big = DecodedImage.of(TestImages.generate(99, 4000, 3000), "png");
        rows.add(time("embed 4000x3000 (12 MP, int RGB)", 100, i -> embedder.embed(big)));
        byte[] jpeg = TestImages.jpeg(TestImages.generate(98, 640, 480), 85);
        ImageDecoder decoder = new ImageDecoder();
        rows.add(time("for scale: decode a 640x480 JPEG", 500, i -> decoder.decode(jpeg)));
        return rows;
    }

    private static List<DecodedImage> decodedJpegs(int width, int height, int count) {
        ImageDecoder decoder = new ImageDecoder();
        List<DecodedImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(decoder.decode(TestImages.jpeg(TestImages.generate(500 + i, width, height), 85)));
        }
        return images;
    }

    private static Row time(String what, int calls, java.util.function.IntConsumer call) {
        for (int i = 0; i < calls; i++) {
            call.accept(i); // warm-up: let the JIT compile the hot loops first
        }
        double[] millis = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.accept(i);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return new Row(what, millis[calls / 2], millis[calls * 9 / 10]);
    }
}
