package dev.lookalike.embedding.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Phone photos decode upright: the EXIF Orientation tag is applied to the pixels and the sides. */
class ExifOrientationTest {

    /** Where the source's red left half ends up once the photo is upright, for each orientation. */
    @ParameterizedTest(name = "orientation {0}: red goes {1}")
    @CsvSource({"1, left", "2, right", "3, right", "4, left", "5, top", "6, top", "7, bottom", "8, bottom"})
    void theRedLeftHalfEndsUpWhereTheTagSays(int orientation, String redSide) throws IOException {
        byte[] jpeg = withOrientation(halfRedHalfBlue(80, 40), orientation);
        DecodedImage decoded = new ImageDecoder().decode(jpeg);

        boolean turned = orientation >= 5;
        assertThat(decoded.image().getWidth()).isEqualTo(turned ? 40 : 80);
        assertThat(decoded.image().getHeight()).isEqualTo(turned ? 80 : 40);
        assertThat(decoded.width()).isEqualTo(decoded.image().getWidth());
        assertThat(decoded.height()).isEqualTo(decoded.image().getHeight());
        BufferedImage image = decoded.image();
        int w = image.getWidth();
        int h = image.getHeight();
        Color probe = switch (redSide) {
            case "left" -> new Color(image.getRGB(w / 8, h / 2));
            case "right" -> new Color(image.getRGB(w - 1 - w / 8, h / 2));
            case "top" -> new Color(image.getRGB(w / 2, h / 8));
            default -> new Color(image.getRGB(w / 2, h - 1 - h / 8));
        };
        assertThat(probe.getRed()).as("red at the %s", redSide).isGreaterThan(200);
        assertThat(probe.getBlue()).isLessThan(60);
    }

    @ParameterizedTest
    @CsvSource({"0", "9", "-1"})
    void aTagOutOfRangeIsIgnored(int orientation) throws IOException {
        DecodedImage decoded = new ImageDecoder().decode(withOrientation(halfRedHalfBlue(80, 40), orientation));
        assertThat(decoded.image().getWidth()).isEqualTo(80);
    }

    private static BufferedImage halfRedHalfBlue(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        return image;
    }

    /** A JPEG with an APP1 Exif segment holding one IFD entry: Orientation (274), SHORT, the given value. */
    private static byte[] withOrientation(BufferedImage image, int orientation) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", plain);
        byte[] jpeg = plain.toByteArray();
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian header, IFD0 at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte) (orientation >> 8), (byte) orientation, 0, 0,
            0, 0, 0, 0}; // no next IFD
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        int length = 2 + 6 + tiff.length;
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length, 'E', 'x', 'i', 'f', 0, 0});
        out.write(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
