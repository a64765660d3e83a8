package dev.lookalike.bench.load;

import java.time.Instant;
import java.util.function.Function;

/**
 * One event of a workload. It is built at send time from its upload instant, so a paced run
 * carries real upload times, and 512-d vectors are not all held in memory at once.
 *
 * @param duplicateOf the earlier image this one was planted as a near-duplicate of, or null
 */
record LoadEvent<V>(String id, String duplicateOf, Function<Instant, V> build) {

  /** The key of a pair as NearDuplicateDetected reports it: the later image, then the earlier. */
  static String pair(String later, String earlier) {
    return later + "|" + earlier;
  }
}
