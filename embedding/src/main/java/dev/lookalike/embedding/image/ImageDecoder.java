package dev.lookalike.embedding.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG (including CMYK, via TwelveMonkeys), PNG, GIF (first frame), BMP, WebP and TIFF.
 * The format comes from magic bytes, and the pixel count is read from the header before any
 * decoding so a tiny file that claims 50000x50000 pixels is refused without allocating a raster.
 *
 * <p>Memory stays bounded under concurrency: no consumer needs more than about a thousand pixels
 * a side, so a large image is decoded with source subsampling down to
 * {@link DecodeLimits#minDecodedSide()} on its shorter side (a 381 KB PNG of 7000x7000 16-bit
 * RGBA took a 392 MB raster; now 1750x1750 at 8 bits, 12 MB); samples wider than 8 bits are
 * narrowed while decoding (16-bit PNG) or right after it (other formats), so such a raster is
 * never kept; and every decode first reserves its estimated bytes from a process-wide
 * {@link DecodeBudget}. {@link DecodedImage#width()} and {@link DecodedImage#height()} stay the
 * source's dimensions.
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
    private final DecodeBudget budget;

    public ImageDecoder(DecodeLimits limits) {
        this(limits, DecodeBudget.SHARED);
    }

    ImageDecoder(DecodeLimits limits, DecodeBudget budget) {
        this.limits = limits;
        this.budget = budget;
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
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkPixelCount(width, height, format);
            ImageReadParam param = reader.getDefaultReadParam();
            // Not BMP: the JDK reader's subsampling path reads rows with read(), not readFully(), and
            // turns a truncated file into black rows. An uncompressed BMP's raster is about its file
            // size (under the byte limit) anyway; an RLE bomb is held by the pixel limit and the budget.
            int period = format == ImageFormat.BMP ? 1 : limits.subsampling(width, height);
            int offset = (period - 1) / 2; // the centre of each period x period block
            if (period > 1) {
                param.setSourceSubsampling(period, period, offset, offset);
            }
            int decodedWidth = (width - offset + period - 1) / period;
            int decodedHeight = (height - offset + period - 1) / period;
            ImageTypeSpecifier type = reader.getImageTypes(0).next();
            int narrowType = narrowPngType(format, bytes, type);
            int bytesPerPixel = switch (narrowType) {
                case BufferedImage.TYPE_3BYTE_BGR -> 3;
                case BufferedImage.TYPE_4BYTE_ABGR -> 4;
                default -> bytesPerPixel(type.getSampleModel());
            };
            long estimate = estimatedBytes((long) decodedWidth * decodedHeight, bytesPerPixel, bytes.length);
            String what = format.id() + " image of " + width + "x" + height;
            try (DecodeBudget.Grant ignored = budget.reserve(estimate, what)) {
                if (narrowType != BufferedImage.TYPE_CUSTOM) {
                    param.setDestination(new BufferedImage(decodedWidth, decodedHeight, narrowType));
                }
                TruncationWarnings truncation = new TruncationWarnings();
                reader.addIIOReadWarningListener(truncation);
                BufferedImage image = reader.read(0, param);
                truncation.check(format);
                int orientation = format == ImageFormat.JPEG ? ExifOrientation.of(bytes) : ExifOrientation.NORMAL;
                BufferedImage upright = ExifOrientation.apply(narrowed(image), orientation);
                return ExifOrientation.swapsSides(orientation) ? new DecodedImage(upright, format.id(), height, width)
                        : new DecodedImage(upright, format.id(), width, height);
            }
        } catch (OutOfMemoryError e) {
            // Only this decode's allocations failed, and they are garbage now: the thread lives on.
            throw new ImageLoadException(ImageErrorCode.DECODER_BUSY,
                    "out of memory decoding " + format.id() + " image: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageLoadException loadException) {
                throw loadException;
            }
            if (causedByOutOfMemory(e)) {
                // Readers wrap an OutOfMemoryError in an IIOException; the image may well be fine.
                throw new ImageLoadException(ImageErrorCode.DECODER_BUSY,
                        "out of memory decoding " + format.id() + " image: " + reason(e), e);
            }
            // Decoders signal corrupt data with anything from IIOException to array index errors.
            throw new ImageLoadException(ImageErrorCode.UNDECODABLE_IMAGE,
                    "cannot decode " + format.id() + " image: " + reason(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The 8-bit type a 16-bit RGB or RGBA PNG is decoded into, else {@link BufferedImage#TYPE_CUSTOM}
     * (decode as the reader likes). The JDK reader scales each sample to the destination's depth
     * as it goes, rounding as the 16-bit colour model's {@code getRGB} does, so the values are the
     * ones consumers read before and no 16-bit raster (8 bytes a pixel for RGBA) is ever built.
     * Not for RGB with a transparent colour (tRNS): the reader would compare the scaled samples
     * with the 16-bit key.
     */
    private static int narrowPngType(ImageFormat format, byte[] bytes, ImageTypeSpecifier type) {
        if (format != ImageFormat.PNG || bytes.length < 26 || (bytes[24] & 0xFF) != 16
                || !type.getColorModel().getColorSpace().isCS_sRGB()) {
            return BufferedImage.TYPE_CUSTOM;
        }
        int colorType = bytes[25] & 0xFF; // IHDR: 8 signature, 8 chunk header, 4 width, 4 height, 1 depth
        int bands = type.getSampleModel().getNumBands();
        if (colorType == 6 && bands == 4) {
            return BufferedImage.TYPE_4BYTE_ABGR;
        }
        if (colorType == 2 && bands == 3) {
            return BufferedImage.TYPE_3BYTE_BGR;
        }
        return BufferedImage.TYPE_CUSTOM;
    }

    /**
     * Heap a decode takes at its peak: the input's in-memory copy, the raster, and about as much
     * again of reader working memory (measured on 2000x1500 images: the JPEG, PNG, BMP and TIFF
     * readers allocate about twice the raster besides the input), plus the 4-byte copy of a
     * raster wider than that ({@link #narrowed}).
     */
    static long estimatedBytes(long pixels, int bytesPerPixel, int encodedBytes) {
        return pixels * (2L * bytesPerPixel + (bytesPerPixel > 4 ? 4 : 0)) + encodedBytes;
    }

    /** Bytes a pixel of this layout takes in its data buffer (1-bit and 4-bit packings rounded up to 1). */
    private static int bytesPerPixel(SampleModel model) {
        return Math.max(1, model.getNumDataElements() * DataBuffer.getDataTypeSize(model.getTransferType()) / 8);
    }

    /**
     * The image itself when its samples take at most 4 bytes a pixel, else a copy in
     * {@code TYPE_INT_(A)RGB} with the values {@link BufferedImage#getRGB} gives (what consumers
     * read from it anyway), so a 16-bit TIFF is not held at 6 or 8 bytes a pixel while it is embedded.
     */
    static BufferedImage narrowed(BufferedImage image) {
        if (bytesPerPixel(image.getSampleModel()) <= 4) {
            return image;
        }
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage narrow = new BufferedImage(width, height,
                image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            narrow.setRGB(0, y, width, 1, row, 0, width);
        }
        return narrow;
    }

    private static boolean causedByOutOfMemory(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
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

    private void checkPixelCount(long width, long height, ImageFormat format) {
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
