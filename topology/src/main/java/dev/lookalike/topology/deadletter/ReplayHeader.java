package dev.lookalike.topology.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Marks an event that {@code lookalike replay} sent back from the dead-letter topic with where the
 * original stood ({@code partition:offset} in its source topic). The upload stage then drops the
 * replay when its image has had a later event since (uploaded again, or deleted): replaying it
 * would undo that event. Deciding there, and not only when replay scans the source topic, also
 * covers an event that arrives between that scan and the replay.
 */
public final class ReplayHeader {

  public static final String NAME = "lookalike-replay-of";

  private ReplayHeader() {}

  public static Header of(int partition, long offset) {
    return new RecordHeader(NAME, (partition + ":" + offset).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The original's offset when this record is a replay of an event in {@code partition}; empty
   * otherwise, also for a malformed header or one from another partition (whose offsets say
   * nothing about this one's order).
   */
  public static OptionalLong originalOffset(Headers headers, int partition) {
    Header header = headers.lastHeader(NAME);
    if (header == null || header.value() == null) return OptionalLong.empty();
    String text = new String(header.value(), StandardCharsets.UTF_8);
    int colon = text.indexOf(':');
    try {
      if (colon < 0 || Integer.parseInt(text.substring(0, colon)) != partition) return OptionalLong.empty();
      return OptionalLong.of(Long.parseLong(text.substring(colon + 1)));
    } catch (NumberFormatException malformed) {
      return OptionalLong.empty();
    }
  }
}
