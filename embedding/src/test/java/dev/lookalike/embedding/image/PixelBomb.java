package dev.lookalike.embedding.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** PNG decompression bombs: headers claiming any size, and real 16-bit images that expand a thousandfold. */
final class PixelBomb {

    private PixelBomb() {
    }

    /** A tiny but valid-looking PNG whose IHDR claims any size: a decompression bomb's header. */
    static byte[] png(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", deflate(new byte[64])); // a few zero rows; the rest would "expand" on decode
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A real 16-bit PNG, colour type 6 (RGBA, {@code top} and {@code bottomLeft} have 4 samples)
     * or 2 (RGB, 3 samples; {@code transparent} adds a tRNS chunk naming a transparent colour):
     * {@code top} everywhere except the lower left quarter, which is {@code bottomLeft}. All rows
     * but the first and the middle one repeat the row above (filter Up, all zeros), and each kind
     * of row is compressed once, flushed so it stands alone, and repeated, so even 7000x7000
     * (392 MB of RGBA samples) takes milliseconds to build and a few hundred KB.
     */
    static byte[] png16(int width, int height, int colorType, int[] top, int[] bottomLeft, int[] transparent) {
        int channels = colorType == 6 ? 4 : 3;
        byte[] first = new byte[1 + width * channels * 2]; // filter byte 0 (None), then the samples
        byte[] middle = new byte[first.length];
        for (int x = 0; x < width; x++) {
            for (int c = 0; c < channels; c++) {
                int at = 1 + (x * channels + c) * 2;
                putShort(first, at, top[c]);
                putShort(middle, at, x < width / 2 ? bottomLeft[c] : top[c]);
            }
        }
        byte[] same = new byte[first.length];
        same[0] = 2; // Up: the row above plus zero
        byte[] firstZ = flushed(first);
        byte[] middleZ = flushed(middle);
        byte[] sameZ = flushed(same);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        idat.writeBytes(new byte[] {0x78, 0x01}); // zlib header: deflate, 32K window, no dictionary
        java.util.zip.Adler32 adler = new java.util.zip.Adler32();
        for (int y = 0; y < height; y++) {
            byte[] row = y == 0 ? first : y == height / 2 ? middle : same;
            idat.writeBytes(y == 0 ? firstZ : y == height / 2 ? middleZ : sameZ);
            adler.update(row);
        }
        idat.writeBytes(new byte[] {0x03, 0x00}); // an empty final block
        idat.writeBytes(ByteBuffer.allocate(4).putInt((int) adler.getValue()).array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 16).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0).array());
        if (transparent != null) {
            chunk(out, "tRNS", ByteBuffer.allocate(6).putShort((short) transparent[0]).putShort((short) transparent[1])
                    .putShort((short) transparent[2]).array());
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void putShort(byte[] row, int at, int value) {
        row[at] = (byte) (value >> 8);
        row[at + 1] = (byte) value;
    }

    /** Raw deflate of {@code data} ending in a full flush: byte-aligned, not final, no back references out. */
    private static byte[] flushed(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int length;
        do {
            length = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
            out.write(buffer, 0, length);
        } while (length == buffer.length || !deflater.needsInput());
        deflater.end();
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[128];
        int length = deflater.deflate(buffer);
        deflater.end();
        return java.util.Arrays.copyOf(buffer, length);
    }
}
