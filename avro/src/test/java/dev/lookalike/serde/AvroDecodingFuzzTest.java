package dev.lookalike.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.avro.internal.ContentCacheEntry;
import dev.lookalike.avro.internal.ContentRequest;
import dev.lookalike.avro.internal.ContentResult;
import dev.lookalike.avro.internal.DeletedImage;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.avro.internal.MatchMessage;
import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.registry.InMemorySchemaRegistryClient;
import dev.lookalike.serde.EventDecodingException.ErrorCode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of every way this service decodes Avro: the Confluent wire
 * format of the event topics, with the real schemas in an in-memory registry, and the
 * registry-free format of the internal topics and stores.
 *
 * <p>Property, for any bytes: decoding returns a record or throws {@link EventDecodingException}
 * (never another exception, never an {@link Error} such as OutOfMemoryError); it allocates in
 * proportion to the input, not to the lengths the input claims; it takes under two seconds; and
 * what decodes re-encodes to something that decodes to the same record.
 *
 * <p>Input layout: byte 0 picks the target; if byte 1 is odd the rest is framed with a valid
 * header (a registered schema id chosen by byte 2, or the format-version byte), else the rest is
 * the whole value. The seeds are valid records of every target in both layouts, so the fuzzer
 * starts from flips, truncations and extensions of real records. Without {@code JAZZER_FUZZ}
 * only the seeds and the files under {@code AvroDecodingFuzzTestInputs/} run; the
 * {@code fuzz} execution of the build fuzzes (see the README's Tests section).
 */
class AvroDecodingFuzzTest {

    /** Decoding may allocate this much beyond {@link #ALLOCATION_PER_INPUT_BYTE} per input byte. */
    private static final long ALLOCATION_BASE = 4L << 20;
    /** Generous: a map entry of two empty strings is 2 input bytes and ~200 bytes of objects. */
    private static final long ALLOCATION_PER_INPUT_BYTE = 512;
    private static final long MAX_NANOS_PER_INPUT = 2_000_000_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();
    /** Every schema the registry knows; ids are 1..n in this order. */
    private static final List<Schema> REGISTERED = List.of(ImageUploaded.getClassSchema(), ImageEmbedded.getClassSchema(),
            DeadLetter.getClassSchema(), NearDuplicateDetected.getClassSchema(), Recommendations.getClassSchema(),
            TestEvents.IMAGE_UPLOADED_V1);
    private static final List<Target> TARGETS = new ArrayList<>();

    static {
        for (Schema schema : REGISTERED) {
            // Subjects of their own: an old and a new ImageUploaded need not be compatible for this.
            REGISTRY.register("fuzz-" + REGISTERED.indexOf(schema), schema);
        }
        TARGETS.add(confluent(ImageUploaded.class));
        TARGETS.add(confluent(ImageEmbedded.class));
        TARGETS.add(confluent(DeadLetter.class));
        for (Class<? extends SpecificRecord> type : List.of(ContentCacheEntry.class, ContentRequest.class, ContentResult.class,
                DeletedImage.class, ImageStatus.class, MatchMessage.class, MatchPartial.class, NeighborState.class,
                VectorEntry.class, ImageUploaded.class)) {
            TARGETS.add(binary(type));
        }
        // Class loading (and Jazzer's instrumentation of it) and building readers happen once, not per input.
        seeds().filter(seed -> seed[1] == 0).forEach(seed -> TARGETS.get(seed[0]).decode(Arrays.copyOfRange(seed, 2, seed.length)));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void decodesToARecordOrAnEventDecodingException(byte[] input) {
        if (input.length < 2) return;
        Target target = TARGETS.get((input[0] & 0xff) % TARGETS.size());
        byte[] value = (input[1] & 1) == 0 ? Arrays.copyOfRange(input, 2, input.length) : target.frame(input);
        check(target, value);
    }

    /** The property for one value; the regression tests call it too. */
    static void check(Target target, byte[] value) {
        long maxAllocation = ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * value.length;
        long classesBefore = CLASSES.getTotalLoadedClassCount();
        Decoded decoded = decode(target, value);
        if ((decoded.allocated() > maxAllocation || decoded.nanos() > MAX_NANOS_PER_INPUT)
                && CLASSES.getTotalLoadedClassCount() != classesBefore) {
            // Loading (and instrumenting) classes costs too: measure again where they are loaded and no decoder is reused.
            decoded = onNewThread(() -> decode(target, value));
        }
        if (decoded.allocated() > maxAllocation) {
            throw new AssertionError(target + " allocated " + decoded.allocated() + " bytes for " + value.length + " input bytes");
        }
        if (decoded.nanos() > MAX_NANOS_PER_INPUT) {
            throw new AssertionError(target + " took " + decoded.nanos() / 1_000_000 + " ms for " + value.length + " input bytes");
        }
        if (decoded.record() != null) {
            SpecificRecord again = target.decode(target.encode(decoded.record()));
            if (!again.equals(decoded.record())) {
                throw new AssertionError(target + " does not round-trip " + decoded.record() + ": " + again);
            }
        }
    }

    /** A decoded record (null when it was an EventDecodingException), with what decoding it cost this thread. */
    private record Decoded(SpecificRecord record, long allocated, long nanos) {
    }

    private static Decoded decode(Target target, byte[] value) {
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        SpecificRecord record = null;
        try {
            record = target.decode(value);
        } catch (EventDecodingException e) {
            if (e.code() == ErrorCode.REGISTRY_UNAVAILABLE) {
                throw new AssertionError("an in-memory registry is never unavailable: " + e, e);
            }
        }
        return new Decoded(record, THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore, System.nanoTime() - start);
    }

    private static Decoded onNewThread(Supplier<Decoded> work) {
        AtomicReference<Decoded> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "fuzz-measure-again");
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (failure.get() instanceof RuntimeException e) throw e;
        if (failure.get() instanceof Error e) throw e;
        return result.get();
    }

    /** A way to decode, with how to frame a body for it and to encode a record back. */
    record Target(String name, Function<byte[], SpecificRecord> decoder, Function<SpecificRecord, byte[]> encoder,
                  Schema schema, boolean confluent) {
        SpecificRecord decode(byte[] value) {
            return decoder.apply(value);
        }

        byte[] encode(SpecificRecord record) {
            return encoder.apply(record);
        }

        /** Header (a registered schema id picked by input[2], or the format version) + input[3..]. */
        byte[] frame(byte[] input) {
            byte[] body = input.length > 3 ? Arrays.copyOfRange(input, 3, input.length) : new byte[0];
            byte[] header = confluent
                    ? ConfluentWireFormat.header(1 + (input.length > 2 ? (input[2] & 0xff) % REGISTERED.size() : 0))
                    : new byte[] {AvroBinarySerde.FORMAT_VERSION};
            return concat(header, body);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Target target(String name) {
        return TARGETS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Target confluent(Class<? extends SpecificRecord> type) {
        var serde = new ConfluentAvroSerde(REGISTRY, type, false, false);
        String topic = "fuzz";
        return new Target("confluent:" + type.getSimpleName(),
                bytes -> (SpecificRecord) serde.deserializer().deserialize(topic, bytes),
                record -> concat(ConfluentWireFormat.header(idOf(SpecificSchemas.of(type))), avroBinary(record.getSchema(), record)),
                SpecificSchemas.of(type), true);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Target binary(Class<? extends SpecificRecord> type) {
        AvroBinarySerde serde = AvroBinarySerde.of(type);
        return new Target("binary:" + type.getSimpleName(), bytes -> (SpecificRecord) serde.deserialize("fuzz", bytes),
                record -> serde.serialize("fuzz", record), SpecificSchemas.of(type), false);
    }

    private static int idOf(Schema schema) {
        return REGISTERED.indexOf(schema) + 1;
    }

    /** Valid values of every target, whole and in the framed layout. */
    static Stream<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (int t = 0; t < TARGETS.size(); t++) {
            Target target = TARGETS.get(t);
            for (boolean full : new boolean[] {true, false}) {
                byte[] body = avroBinary(target.schema(), sample(target.schema(), full));
                byte[] header = target.confluent() ? ConfluentWireFormat.header(idOf(target.schema()))
                        : new byte[] {AvroBinarySerde.FORMAT_VERSION};
                seeds.add(concat(new byte[] {(byte) t, 0}, concat(header, body)));
                seeds.add(concat(new byte[] {(byte) t, 1, (byte) (idOf(target.schema()) - 1)}, body));
            }
        }
        // An old producer's ImageUploaded, read through schema resolution.
        seeds.add(concat(new byte[] {0, 0}, concat(ConfluentWireFormat.header(idOf(TestEvents.IMAGE_UPLOADED_V1)),
                avroBinary(TestEvents.IMAGE_UPLOADED_V1, sample(TestEvents.IMAGE_UPLOADED_V1, true)))));
        return seeds.stream();
    }

    /** A valid value of the schema: every collection with two items and unions on their last branch when full, else minimal. */
    static Object sample(Schema schema, boolean full) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) record.put(field.pos(), sample(field.schema(), full));
                yield record;
            }
            case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(full ? schema.getEnumSymbols().size() - 1 : 0));
            case ARRAY -> full ? List.of(sample(schema.getElementType(), true), sample(schema.getElementType(), true)) : List.of();
            case MAP -> full ? Map.of("k", sample(schema.getValueType(), true), "key2", sample(schema.getValueType(), true)) : Map.of();
            case UNION -> sample(schema.getTypes().get(full ? schema.getTypes().size() - 1 : 0), full);
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case STRING -> full ? "a-string" : "";
            case BYTES -> ByteBuffer.wrap(full ? new byte[] {(byte) 0x89, 'P', 'N', 'G'} : new byte[0]);
            case INT -> full ? 300 : 0;
            case LONG -> full ? 1_700_000_000_123L : 0L;
            case FLOAT -> full ? 0.5f : 0f;
            case DOUBLE -> full ? 0.25 : 0.0;
            case BOOLEAN -> full;
            case NULL -> null;
        };
    }

    static byte[] avroBinary(Schema schema, Object datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            var writer = datum instanceof SpecificRecord ? new SpecificDatumWriter<>(schema, SpecificSchemas.dataFor(schema))
                    : new GenericDatumWriter<>(schema, GenericData.get());
            writer.write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
