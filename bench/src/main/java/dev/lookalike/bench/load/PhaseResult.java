package dev.lookalike.bench.load;

import java.time.Duration;

/**
 * What one measured phase found.
 *
 * @param storedAtStart vectors in the stores when timing started (pre-stored plus warm-up)
 * @param seconds first send to drained (all events processed, their outputs committed)
 * @param offeredRate the pace of a paced phase, 0 for saturation
 * @param duplicateLatency planted duplicate's upload to its NearDuplicateDetected read (topology), or
 *     each event's upload to its copy read from the sink (baseline)
 * @param recommendationLatency upload to the image's first Recommendations read (paced topology phases)
 * @param planted planted pairs among the measured events; {@code found} of them detected
 * @param unplanted detected pairs whose later image is measured but that were not planted
 * @param exactExpected pairs an exact scan finds among the measured events (-1: not computed)
 * @param exactFound of those, detected
 * @param startToRunning start of Kafka Streams to RUNNING (restore of pre-stored vectors included)
 * @param preload time to pre-store (changelog write or streaming through the topology)
 * @param warmup time to send and drain the warm-up events
 * @param matchPhases the match stage's stream-thread time by phase over the measured events (topology only)
 * @param machine the {@link MachineProbe}'s report by latency window
 */
record PhaseResult(String what, int events, long storedAtStart, double seconds, boolean drained, double offeredRate,
                   Latencies duplicateLatency, Latencies recommendationLatency, int planted, int found, int unplanted,
                   int exactExpected, int exactFound, double deadLetters, Duration startToRunning, Duration preload,
                   Duration warmup, CpuMeter.Usage cpu, double senderBehindMs,
                   LatencySplit split, MatchPhases matchPhases, String machine) {

  double throughput() {
    return events / seconds;
  }

  double plantedRecall() {
    return planted == 0 ? Double.NaN : (double) found / planted;
  }
}
