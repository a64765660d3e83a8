package dev.lookalike.topology;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its keys and values: one typed entry of {@link Topics}. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
