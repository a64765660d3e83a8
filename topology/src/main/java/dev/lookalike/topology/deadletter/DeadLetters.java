package dev.lookalike.topology.deadletter;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.topology.runtime.LookalikeStreams;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead letters: where the event came from, why it failed, and its original bytes when they fit.
 *
 * <p>A dead letter must always be writable. One the producer or the topic refuses as too large
 * fails the stream thread, which is replaced and reprocesses the same record: a loop with no end.
 * (A production exception handler cannot skip it under exactly-once: the refused send leaves the
 * transaction abortable, so the commit fails anyway.) So the original value is dropped, and the
 * message says so, when it would take the dead letter over {@code recordLimit}.
 */
public final class DeadLetters {

  /**
   * Room in a dead-letter record for everything but the original value and the key: the message
   * (at most {@value #MAX_MESSAGE_CHARS} characters, notes included: at most ~6 KB of UTF-8), topic
   * name, error code, Avro and wire-format framing, and the record and batch overhead.
   */
  static final int ENVELOPE_HEADROOM = 16 * 1024;
  static final int MAX_MESSAGE_CHARS = 2000;
  /** A key field longer than this is shortened when the key alone would crowd out the rest. */
  static final int SHOWN_KEY_CHARS = 200;

  private DeadLetters() {}

  /**
   * The largest dead-letter record that can be written: the producer's max.request.size and the
   * dead-letter topic's max.message.bytes (as this service creates it), whichever is smaller.
   */
  public static int recordLimit(LookalikeConfig config) {
    return Math.min(LookalikeStreams.maxRequestSize(config), TopicProvisioner.deadLetterMaxBytes(config));
  }

  public static DeadLetter of(RecordMetadata source, String key, String errorCode, String message,
                              boolean retriable, byte[] originalValue, int recordLimit, Clock clock) {
    return of(source.topic(), source.partition(), source.offset(), key, errorCode, message, retriable, originalValue,
        recordLimit, clock);
  }

  public static DeadLetter of(String topic, int partition, long offset, String key, String errorCode, String message,
                              boolean retriable, byte[] originalValue, int recordLimit, Clock clock) {
    String text = message == null ? errorCode : truncate(message);
    int keyBytes = utf8Length(key);
    // The key is written twice: as the record's key and in the key field.
    long keysBytes = 2L * keyBytes;
    String keyField = key;
    if (keysBytes > recordLimit - ENVELOPE_HEADROOM) {
      int end = Math.min(key.length(), SHOWN_KEY_CHARS);
      if (end > 0 && Character.isHighSurrogate(key.charAt(end - 1))) end--;
      keyField = key.substring(0, end) + "...";
      text = withNote(text, "key of " + keyBytes + " bytes shortened");
      keysBytes = keyBytes + utf8Length(keyField);
    }
    ByteBuffer original = null;
    if (originalValue != null) {
      long room = originalRoom(recordLimit, keysBytes);
      if (originalValue.length <= room) {
        original = ByteBuffer.wrap(originalValue);
      } else {
        text = withNote(text, notKept(originalValue.length, room));
      }
    }
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(keyField)
        .setErrorCode(errorCode)
        .setMessage(text)
        .setRetriable(retriable)
        .setOriginalValue(original)
        .setFailedAt(Instant.ofEpochMilli(clock.millis()))
        .build();
  }

  /**
   * The largest original value a dead letter of {@code key} keeps: for stages that carry the
   * original toward the dead letter and should not carry what it will drop.
   */
  public static long originalRoom(int recordLimit, String key) {
    return originalRoom(recordLimit, 2L * utf8Length(key));
  }

  /** What a dead letter says in place of an original value it could not keep. */
  public static String notKept(int bytes, long room) {
    return "original value of " + bytes + " bytes not kept: over the dead-letter size limit (" + Math.max(room, 0) + " bytes)";
  }

  /** Room for the original value once the envelope and {@code keyBytes} of keys are counted. */
  private static long originalRoom(int recordLimit, long keyBytes) {
    return recordLimit - ENVELOPE_HEADROOM - keyBytes;
  }

  /** {@code message} cut to {@value #MAX_MESSAGE_CHARS} characters. */
  public static String truncate(String message) {
    return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
  }

  /** {@code message} with {@code note} appended, cut so that the note survives {@link #truncate}. */
  public static String withNote(String message, String note) {
    String suffix = " [" + note + "]";
    int keep = Math.max(0, MAX_MESSAGE_CHARS - suffix.length() - 3);
    return (message.length() <= keep ? message : message.substring(0, keep) + "...") + suffix;
  }

  private static int utf8Length(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }
}
