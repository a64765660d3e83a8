package dev.lookalike.embedding.image;

import java.util.Optional;

/** The formats we decode, recognised by their magic bytes; a declared content type is never trusted. */
public enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    GIF("gif"),
    BMP("bmp"),
    WEBP("webp"),
    TIFF("tiff");

    private final String id;

    ImageFormat(String id) {
        this.id = id;
    }

    /** Lower-case name, also the ImageIO format name. */
    public String id() {
        return id;
    }

    public static Optional<ImageFormat> sniff(byte[] bytes) {
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, 0, 'G', 'I', 'F', '8') && bytes.length > 5 && (bytes[4] == '7' || bytes[4] == '9')
                && bytes[5] == 'a') {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(WEBP);
        }
        if (startsWith(bytes, 0, 'I', 'I', 0x2A, 0x00) || startsWith(bytes, 0, 'M', 'M', 0x00, 0x2A)
                || startsWith(bytes, 0, 'I', 'I', 0x2B, 0x00) || startsWith(bytes, 0, 'M', 'M', 0x00, 0x2B)) {
            return Optional.of(TIFF); // classic TIFF and BigTIFF, both byte orders
        }
        if (startsWith(bytes, 0, 'B', 'M') && bytes.length >= 26) {
            return Optional.of(BMP); // 'BM' alone is too weak a signal for tiny inputs
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] bytes, int offset, int... magic) {
        if (bytes.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
