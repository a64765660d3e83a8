package dev.lookalike.bench;

import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageDecoder;
import dev.lookalike.embedding.image.ImageLoadException;
import dev.lookalike.embedding.image.ImageLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A deterministic selection of real images from a folder tree. Folders are visited round-robin
 * (one file from each in turn, shuffled with a fixed seed) so that no single big folder, such
 * as openclipart's 1,378 near-identical stars, dominates. Files with identical pixels (the same
 * icon saved twice, often in two folders) and images under 64 px on a side are skipped: they
 * are true duplicates or too small to edit. Each image's folder is its group.
 * Public for the index benchmark ({@code bench.index.RealEmbeddings}), which embeds the same images.
 */
public record RealImageSet(Path root, List<Path> files, List<Integer> groups, int folders) {

    static final int MIN_SIDE = 64;

    public static RealImageSet select(Path root, int count) throws IOException {
        List<Iterator<Path>> folders = shuffledFolders(root);
        List<Path> files = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ImageDecoder decoder = new ImageDecoder();
        boolean progress = true;
        while (files.size() < count && progress) {
            progress = false;
            for (int f = 0; f < folders.size() && files.size() < count; f++) {
                Path next = nextUsable(folders.get(f), seen, decoder);
                if (next != null) {
                    files.add(next);
                    groups.add(f);
                    progress = true;
                }
            }
        }
        return new RealImageSet(root, files, groups, (int) groups.stream().distinct().count());
    }

    public BufferedImage load(int index) {
        try {
            return new ImageDecoder().decode(Files.readAllBytes(files.get(index))).image();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name(int index) {
        return root.relativize(files.get(index)).toString();
    }

    private static List<Iterator<Path>> shuffledFolders(Path root) throws IOException {
        Map<Path, List<Path>> byFolder = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p) && p.toString().toLowerCase().endsWith(".png")).sorted()
                    .forEach(p -> byFolder.computeIfAbsent(p.getParent(), k -> new ArrayList<>()).add(p));
        }
        Random random = new Random(42);
        List<Iterator<Path>> folders = new ArrayList<>();
        for (List<Path> files : byFolder.values()) {
            Collections.shuffle(files, random);
            folders.add(files.iterator());
        }
        return folders;
    }

    private static Path nextUsable(Iterator<Path> folder, Set<String> seen, ImageDecoder decoder) throws IOException {
        while (folder.hasNext()) {
            Path file = folder.next();
            DecodedImage image = decodeOrNull(Files.readAllBytes(file), decoder);
            if (image != null && image.width() >= MIN_SIDE && image.height() >= MIN_SIDE
                    && seen.add(pixelHash(image.image()))) {
                return file;
            }
        }
        return null;
    }

    private static DecodedImage decodeOrNull(byte[] bytes, ImageDecoder decoder) {
        try {
            return decoder.decode(bytes);
        } catch (ImageLoadException e) {
            return null;
        }
    }

    /** SHA-256 of the size and ARGB pixels, so re-compressed copies of one image count once. */
    private static String pixelHash(BufferedImage image) {
        int width = image.getWidth();
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 * width * image.getHeight());
        buffer.putInt(width).putInt(image.getHeight());
        buffer.asIntBuffer().put(image.getRGB(0, 0, width, image.getHeight(), null, 0, width));
        return ImageLoader.sha256Hex(buffer.array());
    }
}
