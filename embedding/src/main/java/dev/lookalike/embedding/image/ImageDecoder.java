package dev.lookalike.embedding.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
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

    /** Scans a JPEG may have; see {@link #checkJpegScans}. */
    public static final int MAX_JPEG_SCANS = 100;

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
        if (format == ImageFormat.JPEG) {
            checkJpegScans(bytes);
        }
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
            throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE,
                    "cannot decode " + format.id() + " image: " + reason(e), e);
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

    /**
     * Why a reader failed, causes included: readers wrap the precise reason ("Image width &lt;= 0!",
     * "Bad code size:13") in a generic one ("I/O error reading PNG header!").
     */
    static String reason(Throwable e) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause(), depth++) {
            String message;
            if (t instanceof EOFException) {
                message = "the data ends early (truncated)";
            } else if (t instanceof IndexOutOfBoundsException && String.valueOf(t.getMessage()).contains("numImages")) {
                message = "no image found in the file (truncated or corrupt)";
            } else {
                message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            }
            if (out.indexOf(message) < 0) {
                out.append(out.isEmpty() ? "" : ": ").append(message);
            }
        }
        return out.toString();
    }

    /**
     * A progressive JPEG is decoded in one pass over every pixel per scan, and nothing bounds the
     * number of scans: an 85 KB file with 2,000 empty scans over 4000x4000 pixels takes 20 s of
     * CPU. Real encoders write at most a few dozen, so more than {@link #MAX_JPEG_SCANS} is
     * refused. The marker walk reads no pixel data and allocates nothing.
     */
    private static void checkJpegScans(byte[] bytes) {
        int scans = 0;
        int pos = 2; // after SOI
        while (pos + 4 <= bytes.length) {
            if ((bytes[pos] & 0xFF) != 0xFF) {
                return; // not at a marker: corrupt, and the decoder will say so
            }
            int marker = bytes[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                return; // end of image
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2; // markers without a length
                continue;
            }
            pos += 2 + (((bytes[pos + 2] & 0xFF) << 8) | (bytes[pos + 3] & 0xFF));
            if (marker == 0xDA) {
                if (++scans > MAX_JPEG_SCANS) {
                    throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE, "jpeg image has more than "
                            + MAX_JPEG_SCANS + " scans; each is a pass over every pixel (a decompression bomb)");
                }
                // Entropy-coded data runs to the next marker other than a stuffed 0xFF00 or a restart.
                while (pos + 1 < bytes.length) {
                    int next = bytes[pos + 1] & 0xFF;
                    if ((bytes[pos] & 0xFF) == 0xFF && next != 0 && (next < 0xD0 || next > 0xD7)) {
                        break;
                    }
                    pos++;
                }
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
