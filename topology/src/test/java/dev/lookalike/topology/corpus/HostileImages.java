package dev.lookalike.topology.corpus;

import dev.lookalike.embedding.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Broken and hostile image bytes, all made in code from a seeded scene (the only fixture is the
 * 148-byte lossy WebP of the embedding tests, since no WebP writer exists for Java here). Every
 * method returns a fresh array, so callers may keep or change it.
 */
public final class HostileImages {

  private HostileImages() {}

  private static final BufferedImage SCENE = TestImages.generate(4242, 96, 64);

  // ---------------------------------------------------------------- well-formed sources

  public static byte[] png() {
    return TestImages.encode(SCENE, "png");
  }

  public static byte[] jpeg() {
    return TestImages.jpeg(SCENE, 85);
  }

  public static byte[] gif() {
    return TestImages.encode(SCENE, "gif");
  }

  public static byte[] bmp() {
    return TestImages.encode(SCENE, "bmp");
  }

  /** A Deflate-compressed TIFF: its strip carries a checksum, so damage inside it is detectable. */
  public static byte[] tiffDeflate() {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType("Deflate");
      writer.write(null, new IIOImage(SCENE, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** 64x48 lossy (VP8) WebP, committed in the embedding module's test resources. */
  public static byte[] webpLossy() {
    return resource("/images/quadrants-lossy.webp");
  }

  /** 64x48 lossless (VP8L) WebP with alpha. */
  public static byte[] webpLossless() {
    return resource("/images/quadrants-lossless-alpha.webp");
  }

  // ---------------------------------------------------------------- damage

  public static byte[] truncated(byte[] bytes, double keep) {
    return Arrays.copyOf(bytes, (int) (bytes.length * keep));
  }

  /** Overwrites {@code length} bytes centred on the middle with {@code fill}. */
  public static byte[] filledMiddle(byte[] bytes, int length, int fill) {
    byte[] out = bytes.clone();
    int start = Math.max(0, out.length / 2 - length / 2);
    Arrays.fill(out, start, Math.min(out.length, start + length), (byte) fill);
    return out;
  }

  /** A PNG whose first IDAT has seeded noise in its middle: the chunk CRC and zlib both catch it. */
  public static byte[] pngCorruptIdat() {
    byte[] out = png();
    int idat = indexOf(out, "IDAT".getBytes(StandardCharsets.US_ASCII), 8);
    int length = ByteBuffer.wrap(out, idat - 4, 4).getInt();
    Random random = new Random(7);
    for (int i = idat + 4 + length / 3; i < idat + 4 + 2 * length / 3; i++) {
      out[i] = (byte) random.nextInt(256);
    }
    return out;
  }

  /** A JPEG with the start of the SOF0 frame header patched to claim {@code width x height}. */
  public static byte[] jpegClaiming(int width, int height) {
    byte[] out = jpeg();
    int sof = indexOf(out, new byte[] {(byte) 0xFF, (byte) 0xC0}, 2);
    // FFC0, length (2), precision (1), height (2), width (2)
    ByteBuffer.wrap(out, sof + 5, 4).putShort((short) height).putShort((short) width);
    return out;
  }

  /**
   * A progressive JPEG of {@code size x size} grey pixels with {@code extraScans} more, empty,
   * refinement scans: each is a pass over every pixel, so a few kilobytes cost seconds of CPU.
   */
  public static byte[] jpegScanBomb(int size, int extraScans) {
    BufferedImage grey = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (var stream = new MemoryCacheImageOutputStream(encoded)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(grey, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = encoded.toByteArray();
    int lastScan = -1;
    for (int i = 0; i < jpeg.length - 1; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) lastScan = i;
    }
    int headerLength = ((jpeg[lastScan + 2] & 0xFF) << 8) | (jpeg[lastScan + 3] & 0xFF);
    byte[] scanHeader = Arrays.copyOfRange(jpeg, lastScan, lastScan + 2 + headerLength);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, jpeg.length - 2); // without EOI
    for (int i = 0; i < extraScans; i++) {
      out.writeBytes(scanHeader);
      out.write(0); // one byte of entropy-coded data
    }
    out.write(0xFF);
    out.write(0xD9);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- PNG by hand

  /** A PNG with an IHDR claiming any size (valid CRCs) and a few real rows of data. */
  public static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB
    pngChunk(out, "IHDR", ihdr.array());
    pngChunk(out, "IDAT", deflate(new byte[4096])); // a few zero rows; the rest would expand on decode
    pngChunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
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
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- GIF by hand

  /**
   * A GIF89a with {@code frames} frames, each a one-pixel LZW stream under an image descriptor
   * claiming {@code width x height} (also the logical screen): a frame bomb, about 25 bytes a frame.
   */
  public static byte[] gifFrames(int frames, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(le16(width));
    out.writeBytes(le16(height));
    out.writeBytes(new byte[] {(byte) 0x80, 0, 0}); // global colour table of 2 entries
    out.writeBytes(new byte[] {0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    for (int i = 0; i < frames; i++) {
      out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 0, 1, 0, 0, 0}); // graphic control: 10 ms delay
      out.write(0x2C);
      out.writeBytes(le16(0));
      out.writeBytes(le16(0));
      out.writeBytes(le16(width));
      out.writeBytes(le16(height));
      out.write(0);
      // LZW minimum code size 2; codes clear(4), 0, end(5) in 3 bits each, packed LSB first.
      out.writeBytes(new byte[] {2, 2, 0x44, 0x01, 0});
    }
    out.write(0x3B);
    return out.toByteArray();
  }

  /** A real 32x32 first frame followed by {@code extra} one-pixel frames: only the first must be read. */
  public static byte[] gifWithManyFrames(int extra) {
    byte[] first = TestImages.encode(TestImages.generate(99, 32, 32), "gif");
    byte[] tail = gifFrames(extra, 1, 1);
    int header = 6 + 7 + 6; // tail's signature, screen descriptor and 2-colour table
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first, 0, first.length - 1); // without the trailer
    out.write(tail, header, tail.length - header);
    return out.toByteArray();
  }

  /** The JDK GIF writer's output with the image descriptor's introducer replaced: an unknown block. */
  public static byte[] gifBadBlock() {
    byte[] out = gif();
    out[gifDescriptor(out)] = (byte) 0x99;
    return out;
  }

  /** An LZW minimum code size of 13, beyond the 12-bit codes GIF allows. */
  public static byte[] gifBadLzwCodeSize() {
    byte[] out = gif();
    out[gifDescriptor(out) + 10] = 13;
    return out;
  }

  private static int gifDescriptor(byte[] gif) {
    int pos = 13 + ((gif[10] & 0x80) != 0 ? 3 * (1 << ((gif[10] & 7) + 1)) : 0);
    while (gif[pos] == 0x21) { // extension blocks: introducer, label, sub-blocks
      pos += 2;
      while (gif[pos] != 0) pos += (gif[pos] & 0xFF) + 1;
      pos++;
    }
    if (gif[pos] != 0x2C) throw new IllegalStateException("no image descriptor at " + pos);
    return pos;
  }

  // ---------------------------------------------------------------- BMP by hand

  /** Sets a little-endian int in a copy of a BMP's headers (offsets as in BITMAPINFOHEADER). */
  public static byte[] bmpWith(int offset, int value) {
    byte[] out = bmp();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
    return out;
  }

  public static byte[] bmpWithShort(int offset, int value) {
    byte[] out = bmp();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
    return out;
  }

  /** An 8-bit RLE8 BMP claiming {@code width x height} whose data is just "end of bitmap". */
  public static byte[] bmpRleClaiming(int width, int height) {
    int palette = 256 * 4;
    byte[] data = {0, 1};
    ByteBuffer b = ByteBuffer.allocate(14 + 40 + palette + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(14 + 40 + palette);
    b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 8).putInt(1) // BI_RLE8
        .putInt(data.length).putInt(2835).putInt(2835).putInt(256).putInt(0);
    for (int i = 0; i < 256; i++) b.put((byte) i).put((byte) i).put((byte) i).put((byte) 0);
    b.put(data);
    return b.array();
  }

  // ---------------------------------------------------------------- WebP

  /** The lossy WebP with its VP8 key-frame header patched to 16383 x 16383 (the format's maximum). */
  public static byte[] webpClaimingMaximum() {
    byte[] out = webpLossy();
    int start = indexOf(out, new byte[] {(byte) 0x9D, 0x01, 0x2A}, 12);
    ByteBuffer.wrap(out, start + 3, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3FFF).putShort((short) 0x3FFF);
    return out;
  }

  /** A VP8X extended-format header whose canvas claims 1,000,000 x 1,000,000, in front of the lossy frame. */
  public static byte[] webpVp8xCanvas() {
    byte[] lossy = webpLossy();
    byte[] vp8 = Arrays.copyOfRange(lossy, 12, lossy.length); // the VP8 chunk
    ByteBuffer b = ByteBuffer.allocate(12 + 18 + vp8.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8).put("WEBP".getBytes(StandardCharsets.US_ASCII));
    b.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).putInt(0);
    put24(b, 999_999);
    put24(b, 999_999);
    b.put(vp8);
    return b.array();
  }

  private static void put24(ByteBuffer b, int v) {
    b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
  }

  // ---------------------------------------------------------------- TIFF by hand

  /**
   * A little-endian baseline TIFF: one 8-bit grey strip. {@code nextIfd} 8 makes the IFD chain a
   * cycle; {@code stripOffset} past the end points at data that is not there.
   */
  public static byte[] tiff(int width, int height, int stripOffset, int nextIfd) {
    int entries = 9;
    int ifdSize = 2 + entries * 12 + 4;
    int dataOffset = 8 + ifdSize;
    int dataLength = 64;
    ByteBuffer b = ByteBuffer.allocate(dataOffset + dataLength).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    b.putShort((short) entries);
    tiffEntry(b, 256, 4, width);                 // ImageWidth, LONG
    tiffEntry(b, 257, 4, height);                // ImageLength
    tiffEntry(b, 258, 3, 8);                     // BitsPerSample
    tiffEntry(b, 259, 3, 1);                     // Compression: none
    tiffEntry(b, 262, 3, 1);                     // Photometric: black is zero
    tiffEntry(b, 273, 4, stripOffset < 0 ? dataOffset : stripOffset); // StripOffsets
    tiffEntry(b, 277, 3, 1);                     // SamplesPerPixel
    tiffEntry(b, 278, 4, height);                // RowsPerStrip
    tiffEntry(b, 279, 4, dataLength);            // StripByteCounts
    b.putInt(nextIfd);
    for (int i = 0; i < dataLength; i++) b.put((byte) (i * 4));
    return b.array();
  }

  private static void tiffEntry(ByteBuffer b, int tag, int type, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(1);
    if (type == 3) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt(value);
    }
  }

  // ---------------------------------------------------------------- not images

  public static byte[] svg() {
    return ("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"50000\" height=\"50000\">"
        + "<script>alert(1)</script><rect width=\"100%\" height=\"100%\" fill=\"red\"/></svg>\n").getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] html() {
    return "<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>\n".getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] text() {
    return "this is not an image, whatever the content type says\n".getBytes(StandardCharsets.UTF_8);
  }

  /** The start of a PDF document. */
  public static byte[] pdf() {
    return "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** A zip archive (empty end-of-central-directory record), as zip bombs start. */
  public static byte[] zip() {
    byte[] out = new byte[22];
    out[0] = 'P';
    out[1] = 'K';
    out[2] = 5;
    out[3] = 6;
    return out;
  }

  /** The first bytes of an ELF executable. */
  public static byte[] elf() {
    byte[] out = new byte[64];
    out[0] = 0x7F;
    out[1] = 'E';
    out[2] = 'L';
    out[3] = 'F';
    out[4] = 2;
    out[5] = 1;
    out[6] = 1;
    return out;
  }

  /** {@code size} bytes that start as a valid PNG and go on with seeded noise. */
  public static byte[] oversized(int size) {
    byte[] out = new byte[size];
    new Random(size).nextBytes(out);
    byte[] head = png();
    System.arraycopy(head, 0, out, 0, Math.min(head.length, size));
    return out;
  }

  // ---------------------------------------------------------------- helpers

  static int indexOf(byte[] bytes, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= bytes.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) continue outer;
      }
      return i;
    }
    throw new IllegalStateException("pattern not found");
  }

  private static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8)};
  }

  private static byte[] resource(String name) {
    try (InputStream in = HostileImages.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException(name + " is not on the test class path (embedding test-jar)");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
