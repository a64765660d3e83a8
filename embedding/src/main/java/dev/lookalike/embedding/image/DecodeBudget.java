package dev.lookalike.embedding.image;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the heap that image decoding takes at once across the process, whatever the number of
 * threads decoding (HTTP queries, every Kafka Streams thread): each decode first reserves the
 * bytes its raster will take, estimated from the header, and gives them back when it is done. A
 * decode that cannot get its bytes within {@link #waitMillis()} fails with the retriable
 * {@link ImageErrorCode#DECODER_BUSY} instead of running the heap out, which would kill
 * whichever thread allocates next. A single decode larger than the whole budget reserves all of
 * it, so it runs alone rather than never.
 *
 * <p>Only decoding is covered: the image the decoder returns is the caller's, and thanks to
 * source subsampling ({@link DecodeLimits#minDecodedSide()}) it is a few megapixels at most for
 * any normally shaped image.
 */
final class DecodeBudget {

    /** A quarter of the heap: room for about ten of the largest normally shaped decodes. */
    static final DecodeBudget SHARED = new DecodeBudget(Runtime.getRuntime().maxMemory() / 4, 5_000);

    private static final int KIB = 1024;

    private final int totalKib;
    private final long waitMillis;
    private final Semaphore kib;

    DecodeBudget(long bytes, long waitMillis) {
        if (bytes < KIB || waitMillis < 0) {
            throw new IllegalArgumentException("budget " + bytes + " bytes, wait " + waitMillis + " ms");
        }
        this.totalKib = (int) Math.min(Integer.MAX_VALUE, bytes / KIB);
        this.waitMillis = waitMillis;
        this.kib = new Semaphore(totalKib, true); // fair: a large decode is not starved by a stream of small ones
    }

    long totalBytes() {
        return (long) totalKib * KIB;
    }

    long availableBytes() {
        return (long) kib.availablePermits() * KIB;
    }

    long waitMillis() {
        return waitMillis;
    }

    /** Reserves {@code bytes} (at most the whole budget); close the grant to give them back. */
    Grant reserve(long bytes, String what) {
        int wanted = (int) Math.min(totalKib, Math.max(1, (bytes + KIB - 1) / KIB));
        boolean acquired;
        try {
            acquired = kib.tryAcquire(wanted, waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageLoadException(ImageErrorCode.DECODER_BUSY, "interrupted while waiting to decode " + what);
        }
        if (!acquired) {
            throw new ImageLoadException(ImageErrorCode.DECODER_BUSY, "not enough decoding memory for " + what + " ("
                    + (bytes >> 20) + " MiB) within " + waitMillis + " ms: " + (totalBytes() >> 20)
                    + " MiB is shared by all decodes at once; retry shortly");
        }
        return new Grant(wanted);
    }

    final class Grant implements AutoCloseable {
        private int held;

        private Grant(int held) {
            this.held = held;
        }

        @Override
        public void close() {
            if (held > 0) {
                kib.release(held);
                held = 0;
            }
        }
    }
}
