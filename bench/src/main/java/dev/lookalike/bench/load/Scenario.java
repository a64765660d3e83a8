package dev.lookalike.bench.load;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.topology.Topic;
import dev.lookalike.topology.Topics;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/** A workload: which topic it enters, the embedder the topology gets, what is pre-stored, the events. */
interface Scenario<V extends SpecificRecord> {

  /** Short name used in ids and the report: {@code vectors} or {@code images}. */
  String name();

  /** One line for the report. */
  String describe();

  Embedder embedder();

  Topic<String, V> input(Topics topics);

  Preload preload();

  /** Sent (and drained) before timing starts: JIT, first-query and connection costs stay out. */
  List<LoadEvent<V>> warmup();

  List<LoadEvent<V>> events();

  /**
   * Pairs an exact scan finds among the first {@code count} events (the pair keys of
   * {@link LoadEvent#pair}), or null when the scenario's construction makes the planted pairs
   * the only ones.
   */
  default Set<String> exactPairs(int count) {
    return null;
  }
}
