package dev.lookalike.embedding.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG (including CMYK, via TwelveMonkeys), PNG, GIF (first frame), BMP, WebP and TIFF.
 * The format comes from magic bytes, and the pixel count is read from the header before any
 * decoding so a tiny file that claims 50000x50000 pixels is refused without allocating a raster.
 * Thread-safe: every call uses its own {@link ImageReader}.
 */
public final class ImageDecoder {

    static {
        // Picks up plugins visible only to the context class loader (e.g. in a repackaged jar).
        ImageIO.scanForPlugins();
    }

    private final DecodeLimits limits;

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    public ImageDecoder() {
        this(DecodeLimits.defaults());
    }

    public DecodeLimits limits() {
        return limits;
    }

    public DecodedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageLoadException(ImageErrorCode.EMPTY_IMAGE, "image is empty (0 bytes)");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageLoadException(ImageErrorCode.IMAGE_TOO_LARGE,
                    "image has " + bytes.length + " bytes, limit is " + limits.maxBytes());
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new ImageLoadException(
                ImageErrorCode.UNSUPPORTED_FORMAT, "not a JPEG, PNG, GIF, BMP, WebP or TIFF image"));
        ImageReader reader = readerFor(format);
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            checkPixelCount(reader, format);
            TruncationWarnings truncation = new TruncationWarnings();
            reader.addIIOReadWarningListener(truncation);
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            truncation.check(format);
            return new DecodedImage(image, format.id(), image.getWidth(), image.getHeight());
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageLoadException loadException) {
                throw loadException;
            }
            // Decoders signal corrupt data with anything from IIOException to array index errors.
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE,
                    "cannot decode " + format.id() + " image: " + reason, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * JPEG decoders fill a truncated file's missing rows with grey and only warn. Such an image
     * would embed as mostly grey and "match" every other truncated upload, so it is refused;
     * other JPEG warnings (stray bytes between markers, a missing end marker after complete
     * data) are common in files browsers show fine.
     */
    private static final class TruncationWarnings implements IIOReadWarningListener {
        private String warning;

        @Override
        public void warningOccurred(ImageReader source, String message) {
            if (message != null && message.toLowerCase(Locale.ROOT).contains("premature end of data segment")) {
                warning = message;
            }
        }

        void check(ImageFormat format) {
            if (warning != null) {
                throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE,
                        format.id() + " image is truncated: " + warning);
            }
        }
    }

    private void checkPixelCount(ImageReader reader, ImageFormat format) throws IOException {
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
            throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE,
                    format.id() + " header declares " + width + "x" + height + " pixels");
        }
        if (width * height > limits.maxPixels()) {
            throw new ImageLoadException(ImageErrorCode.TOO_MANY_PIXELS, format.id() + " image is " + width + "x"
                    + height + " pixels, limit is " + limits.maxPixels());
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.id());
        if (!readers.hasNext()) {
            throw new ImageLoadException(ImageErrorCode.UNSUPPORTED_FORMAT, "no ImageIO reader for " + format.id());
        }
        return readers.next();
    }
}
