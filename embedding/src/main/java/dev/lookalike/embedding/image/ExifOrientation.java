package dev.lookalike.embedding.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * A camera stores a JPEG's pixels as the sensor saw them and says in its EXIF Orientation tag
 * how to turn them upright. Decoders ignore the tag, so a phone photo came out on its side: in
 * its thumbnail, and in its vectors (a sideways original and an upright export did not match).
 * Values 1-8 as in the EXIF spec (TIFF tag 274).
 */
final class ExifOrientation {

    static final int NORMAL = 1;
    private static final int APP1 = 0xFFE1;

    private ExifOrientation() {}

    /** The JPEG's orientation, or {@link #NORMAL} when it has none or it cannot be read (it is only a hint). */
    static int of(byte[] jpeg) {
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(stream, APP1, "Exif");
            if (exif.isEmpty()) return NORMAL;
            InputStream data = exif.get(0).data();
            if (data.read() != 0) return NORMAL; // "Exif\0" is the identifier; one zero pad byte follows
            try (ImageInputStream tiff = ImageIO.createImageInputStream(data)) {
                Directory directory = new TIFFReader().read(tiff);
                Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
                int value = entry != null && entry.getValue() instanceof Number n ? n.intValue() : NORMAL;
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        } catch (IOException | RuntimeException e) {
            return NORMAL;
        }
    }

    /** Whether the upright image swaps width and height (orientations 5-8 turn it a quarter). */
    static boolean swapsSides(int orientation) {
        return orientation >= 5;
    }

    /** The image turned upright. */
    static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation == NORMAL) return image;
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = swapsSides(orientation);
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        int[] in = image.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int tx;
                int ty;
                switch (orientation) {
                    case 2 -> { tx = w - 1 - x; ty = y; }
                    case 3 -> { tx = w - 1 - x; ty = h - 1 - y; }
                    case 4 -> { tx = x; ty = h - 1 - y; }
                    case 5 -> { tx = y; ty = x; }
                    case 6 -> { tx = h - 1 - y; ty = x; }
                    case 7 -> { tx = h - 1 - y; ty = w - 1 - x; }
                    default -> { tx = y; ty = w - 1 - x; } // 8
                }
                out[ty * outW + tx] = in[y * w + x];
            }
        }
        BufferedImage upright = new BufferedImage(outW, outH,
                image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        upright.setRGB(0, 0, outW, outH, out, 0, outW);
        return upright;
    }
}
