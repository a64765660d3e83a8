package dev.lookalike.topology.deadletter;

import dev.lookalike.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead letters: where the event came from, why it failed, and its original bytes. */
public final class DeadLetters {

  private DeadLetters() {}

  public static DeadLetter of(RecordMetadata source, String key, String errorCode, String message,
                              boolean retriable, byte[] originalValue, Clock clock) {
    return of(source.topic(), source.partition(), source.offset(), key, errorCode, message, retriable, originalValue, clock);
  }

  public static DeadLetter of(String topic, int partition, long offset, String key, String errorCode, String message,
                              boolean retriable, byte[] originalValue, Clock clock) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(key)
        .setErrorCode(errorCode)
        .setMessage(message == null ? errorCode : truncate(message))
        .setRetriable(retriable)
        .setOriginalValue(originalValue == null ? null : ByteBuffer.wrap(originalValue))
        .setFailedAt(Instant.ofEpochMilli(clock.millis()))
        .build();
  }

  private static String truncate(String message) {
    return message.length() <= 2000 ? message : message.substring(0, 2000) + "...";
  }
}
