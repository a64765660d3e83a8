package dev.lookalike.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding with a reusable buffer, encoder and decoder per thread. Serdes run on a
 * few long-lived threads (stream threads, producer callers), so this saves an allocation of
 * each per record. Datum readers and writers are thread-safe and shared by the callers.
 */
final class AvroCodec {
    /** A buffer grown beyond this by one huge record is dropped rather than kept per thread. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private AvroCodec() {
    }

    /** {@code prefix} followed by the Avro binary encoding of {@code value}. */
    static <T> byte[] encode(byte[] prefix, DatumWriter<T> writer, T value) throws IOException {
        State state = STATE.get();
        ByteArrayOutputStream out = state.buffer;
        out.reset();
        out.writeBytes(prefix);
        state.encoder = EncoderFactory.get().binaryEncoder(out, state.encoder);
        writer.write(value, state.encoder);
        state.encoder.flush();
        byte[] bytes = out.toByteArray();
        if (out.size() > MAX_RETAINED_BUFFER) state.buffer = new ByteArrayOutputStream(256);
        return bytes;
    }

    /**
     * Decodes {@code data[offset..]} completely.
     *
     * @throws IOException on truncated input, on lengths or counts the input cannot back (checked
     *                     by {@link AvroBounds} before Avro allocates what they claim), and on
     *                     bytes left over after the datum, which means the writer used another
     *                     schema than the one it claims
     */
    static <T> T decode(byte[] data, int offset, DatumReader<T> reader) throws IOException {
        if (reader instanceof GenericDatumReader<?> generic) {
            AvroBounds.check(generic.getSchema(), data, offset); // the writer's schema: no allocation bombs
        }
        State state = STATE.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, state.decoder);
        state.decoder = decoder;
        T value = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new IOException("Trailing bytes after the Avro datum");
        }
        return value;
    }

    private static final class State {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }
}
