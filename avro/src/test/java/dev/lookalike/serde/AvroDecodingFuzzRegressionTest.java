package dev.lookalike.serde;

import static dev.lookalike.serde.AvroDecodingFuzzTest.check;
import static dev.lookalike.serde.AvroDecodingFuzzTest.concat;
import static dev.lookalike.serde.AvroDecodingFuzzTest.target;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

import dev.lookalike.serde.AvroDecodingFuzzTest.Target;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * What the Avro fuzz test ({@link AvroDecodingFuzzTest}) found, as plain tests of its property: a
 * tiny record whose length or count prefix claims hundreds of megabytes, which Avro allocated
 * before reading a byte of it (an OutOfMemoryError with a smaller heap, else ~400 MB of garbage
 * per 28-byte record); then the same for each kind of prefix. Each must be a MALFORMED_EVENT that
 * allocates in proportion to its size.
 */
class AvroDecodingFuzzRegressionTest {

    /** Exactly as the fuzzer found it (28 bytes): a VectorEntry whose float array block claims 103,759,766 items, 415 MB. */
    @Test
    void vectorEntryAsFound() {
        byte[] found = Base64.getDecoder().decode("CwH/AAAGAAAAAAAAAf/2oQAAAACr/vli9qGr/vli");
        byte[] value = concat(new byte[] {AvroBinarySerde.FORMAT_VERSION}, java.util.Arrays.copyOfRange(found, 3, found.length));
        malformed("binary:VectorEntry", value);
    }

    /** Minimized: every field empty, then a float array of 100 million items in 17 bytes. */
    @Test
    void floatArrayCountBeyondTheBytesLeft() throws IOException {
        malformed("binary:VectorEntry", avro(e -> {
            e.writeFixed(new byte[] {AvroBinarySerde.FORMAT_VERSION});
            for (int i = 0; i < 11; i++) e.writeLong(0); // 5 empty strings, 2 longs, 2 ints, empty tags and attributes
            e.writeLong(100_000_000); // vector: one block of this many floats, and nothing after
        }));
    }

    @Test
    void stringLengthBeyondTheBytesLeft() throws IOException {
        malformed("binary:ImageStatus", avro(e -> {
            e.writeFixed(new byte[] {AvroBinarySerde.FORMAT_VERSION});
            e.writeLong(1_000_000_000); // imageId: a 1 GB string
        }));
    }

    @Test
    void bytesLengthBeyondTheBytesLeftInAnEvent() throws IOException {
        malformed("confluent:ImageUploaded", avro(e -> {
            e.writeFixed(ConfluentWireFormat.header(1)); // ImageUploaded's own schema
            e.writeString("img");
            e.writeString("acme");
            e.writeIndex(0); // source.url: null
            e.writeIndex(1); // source.data: bytes
            e.writeLong(1_500_000_000);
        }));
    }

    @Test
    void mapCountBeyondTheBytesLeftInAnEvent() throws IOException {
        malformed("confluent:ImageEmbedded", avro(e -> {
            e.writeFixed(ConfluentWireFormat.header(2)); // ImageEmbedded's own schema
            e.writeString("img");
            e.writeString("acme");
            e.writeLong(0); // no vectors
            e.writeString("hash");
            e.writeInt(1);
            e.writeInt(1);
            e.writeString("png");
            e.writeLong(0); // no tags
            e.writeLong(500_000_000); // attributes: a block of this many entries; the first one sizes the table for all
            e.writeString("k");
            e.writeString("v");
        }));
    }

    private static void malformed(String targetName, byte[] value) {
        Target target = target(targetName);
        check(target, value); // first: a decoder reused per thread keeps what a bomb made it allocate
        assertThatThrownBy(() -> target.decode(value)).isInstanceOfSatisfying(EventDecodingException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
    }

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private static byte[] avro(Writes writes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writes.to(encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
