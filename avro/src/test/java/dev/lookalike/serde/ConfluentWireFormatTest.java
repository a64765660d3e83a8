package dev.lookalike.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

    @Test
    void headerIsMagicByteAndBigEndianId() {
        assertThat(ConfluentWireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(ConfluentWireFormat.header(255)).containsExactly(0, 0, 0, 0, 255);
    }

    @Test
    void readsBackTheIdIgnoringTheBody() {
        for (int id : new int[] {1, 255, 256, 65_536, Integer.MAX_VALUE}) {
            byte[] header = ConfluentWireFormat.header(id);
            byte[] record = java.util.Arrays.copyOf(header, header.length + 3);
            assertThat(ConfluentWireFormat.schemaId(record)).isEqualTo(id);
        }
    }

    @Test
    void rejectsShortRecordsAndForeignFormats() {
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[] {0, 0, 0, 1}))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.code()).isEqualTo(EventDecodingException.ErrorCode.MALFORMED_EVENT));
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.code()).isEqualTo(EventDecodingException.ErrorCode.WRONG_MAGIC_BYTE))
                .hasMessageContaining("0x01");
    }
}
