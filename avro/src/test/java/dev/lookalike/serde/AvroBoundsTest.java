package dev.lookalike.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Records of a few bytes that claim gigabytes: before {@link AvroBounds}, Avro allocated what
 * they claimed (2 GB for a string, an OutOfMemoryError for a 500-million-item array) before it
 * found the bytes were not there.
 */
class AvroBoundsTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final ConfluentAvroSerde<ImageUploaded> serde = new ConfluentAvroSerde<>(registry, ImageUploaded.class, false, true);
    private final int id = registry.register("images.uploaded-value", ImageUploaded.getClassSchema());

    @Test
    void aStringClaimingTwoGigabytesIsMalformedAndCostsNothing() {
        assertMalformed(body().varint(Integer.MAX_VALUE - 16).raw('x'), "string of 2147483631 bytes");
    }

    @Test
    void bytesClaimingTwoGigabytesAreMalformed() {
        assertMalformed(body().string("id").string("acme").varint(0).varint(1).varint(2_000_000_000L).raw(1, 2, 3),
                "bytes of 2000000000 bytes");
    }

    @Test
    void anArrayClaimingHalfABillionItemsIsMalformed() {
        assertMalformed(body().string("id").string("acme").varint(0).varint(1).string("PNG").varint(0).varint(500_000_000L)
                .string("tag"), "array of 500000000 items");
    }

    @Test
    void aMapClaimingHalfABillionEntriesIsMalformed() {
        assertMalformed(body().string("id").string("acme").varint(0).varint(1).string("PNG").varint(0).varint(0)
                .varint(500_000_000L).string("k").string("v"), "map of 500000000 items");
    }

    @Test
    void negativeLengthsBadUnionIndexesAndEndlessNumbersAreMalformed() {
        assertMalformed(body().varint(-5).raw('x'), "is negative");
        assertMalformed(body().string("id").string("acme").varint(7), "union index 7");
        assertMalformed(body().raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), "longer than 10 bytes");
    }

    /** A compatible writer with a recursive extra field: 100,000 levels would overflow the stack while skipping it. */
    @Test
    void nestingDeeperThanTheLimitIsMalformed() {
        Schema nesting = new Schema.Parser().parse("""
                {"type": "record", "name": "ImageUploaded", "namespace": "dev.lookalike.avro", "fields": [
                  {"name": "imageId", "type": "string"},
                  {"name": "tenant", "type": "string"},
                  {"name": "source", "type": {"type": "record", "name": "ImageSource", "fields": [
                    {"name": "url", "type": ["null", "string"], "default": null},
                    {"name": "data", "type": ["null", "bytes"], "default": null},
                    {"name": "contentType", "type": ["null", "string"], "default": null}]}},
                  {"name": "tags", "type": {"type": "array", "items": "string"}},
                  {"name": "attributes", "type": {"type": "map", "values": "string"}},
                  {"name": "uploadedAt", "type": "long"},
                  {"name": "nest", "type": {"type": "record", "name": "Nest", "fields": [
                    {"name": "next", "type": ["null", "Nest"], "default": null}]}}
                ]}""");
        int nestingId = registry.register("nesting", nesting);
        Body body = new Body(nestingId).string("id").string("acme").varint(0).varint(1).string("PNG").varint(0).varint(0).varint(0)
                .varint(2);
        for (int i = 0; i < 100_000; i++) body.varint(1);
        assertMalformed(body.varint(0), "deeper than " + AvroBounds.MAX_DEPTH);

        Body shallow = new Body(nestingId).string("id").string("acme").varint(0).varint(1).string("PNG").varint(0).varint(0).varint(0)
                .varint(2).varint(1).varint(1).varint(0);
        assertThat(serde.deserializer().deserialize("t", shallow.bytes()).getImageId()).isEqualTo("id");
    }

    @Test
    void zeroSizeItemsAreCountedAgainstTheBytesLeftToo() {
        Schema nulls = Schema.createArray(Schema.create(Schema.Type.NULL));
        byte[] few = new Body(new byte[0]).varint(3).varint(0).bytes();
        byte[] absurd = new Body(new byte[0]).varint(1L << 40).varint(0).bytes();
        assertThat(catchThrowableOfType(java.io.IOException.class, () -> AvroBounds.check(nulls, few, 0))).isNull();
        assertThat(catchThrowableOfType(java.io.IOException.class, () -> AvroBounds.check(nulls, absurd, 0)))
                .hasMessageContaining("cannot fit");
    }

    private void assertMalformed(Body body, String detail) {
        byte[] value = body.bytes();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        EventDecodingException e = catchThrowableOfType(EventDecodingException.class,
                () -> serde.deserializer().deserialize("images.uploaded", value));
        long millis = (System.nanoTime() - start) / 1_000_000;
        allocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
        assertThat(e).as("decoding %d bytes", value.length).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT);
        assertThat(e.getMessage()).contains(detail);
        assertThat(allocated).as("bytes allocated").isLessThan(16L << 20);
        assertThat(millis).as("ms").isLessThan(1_000);
    }

    private Body body() {
        return new Body(id);
    }

    /** Avro binary by hand, behind a Confluent header. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Body(int schemaId) {
            this(ConfluentWireFormat.header(schemaId));
        }

        Body(byte[] header) {
            out.writeBytes(header);
        }

        Body varint(long n) {
            long z = (n << 1) ^ (n >> 63);
            while ((z & ~0x7FL) != 0) {
                out.write((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            out.write((int) z);
            return this;
        }

        Body string(String s) {
            byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            varint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Body raw(int... bytes) {
            for (int b : bytes) out.write(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
