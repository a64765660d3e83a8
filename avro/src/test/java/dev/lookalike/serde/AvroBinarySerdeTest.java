package dev.lookalike.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.junit.jupiter.api.Test;

class AvroBinarySerdeTest {
    private final AvroBinarySerde<ImageUploaded> serde = AvroBinarySerde.of(ImageUploaded.class);

    @Test
    void prefixesTheFormatVersionAndRoundTrips() {
        ImageUploaded event = TestEvents.upload("img-1");

        byte[] bytes = serde.serializer().serialize("store-changelog", event);

        assertThat(bytes[0]).isEqualTo(AvroBinarySerde.FORMAT_VERSION);
        assertThat(serde.deserializer().deserialize("store-changelog", bytes)).isEqualTo(event);
    }

    @Test
    void nullStaysNull() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void rejectsUnknownFormatVersionsAndCorruptBodies() {
        byte[] bytes = serde.serialize("t", TestEvents.upload("img-2"));
        byte[] otherVersion = bytes.clone();
        otherVersion[0] = 2;

        assertThatThrownBy(() -> serde.deserialize("t", otherVersion))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_MAGIC_BYTE));
        assertThatThrownBy(() -> serde.deserialize("t", java.util.Arrays.copyOf(bytes, bytes.length - 2)))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
        assertThatThrownBy(() -> serde.deserialize("t", new byte[0]))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_EVENT));
    }

    @Test
    void isSafeToShareAcrossThreads() {
        List<ImageUploaded> events = IntStream.range(0, 2_000).mapToObj(i -> TestEvents.upload("img-" + i)).toList();

        List<ImageUploaded> back = events.parallelStream()
                .map(e -> serde.deserialize("t", serde.serialize("t", e)))
                .toList();

        assertThat(back).isEqualTo(events);
    }

    @Test
    void largeRecordsDoNotCorruptLaterSmallOnes() {
        ImageUploaded big = TestEvents.upload("big");
        big.getSource().setData(java.nio.ByteBuffer.wrap(new byte[3 << 20]));
        ImageUploaded small = TestEvents.upload("small");

        assertThat(serde.deserialize("t", serde.serialize("t", big))).isEqualTo(big);
        assertThat(serde.deserialize("t", serde.serialize("t", small))).isEqualTo(small);
    }
}
