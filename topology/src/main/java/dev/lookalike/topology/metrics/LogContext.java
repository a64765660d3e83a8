package dev.lookalike.topology.metrics;

import org.slf4j.MDC;

/**
 * The image a stream thread is working on, in the SLF4J MDC ({@code imageId}, {@code tenant}) so
 * every log line written meanwhile, libraries' included, names it. Processors set it at the start
 * of {@code process} and {@link #clear()} it in a finally block.
 */
public final class LogContext {

  public static final String IMAGE_ID = "imageId";
  public static final String TENANT = "tenant";
  // Keys come from senders: a 100 KB one must not be copied into every log line.
  private static final int MAX_CHARS = 200;

  private LogContext() {}

  public static void imageId(String imageId) {
    put(IMAGE_ID, imageId);
  }

  public static void tenant(String tenant) {
    put(TENANT, tenant);
  }

  public static void clear() {
    MDC.remove(IMAGE_ID);
    MDC.remove(TENANT);
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value.length() <= MAX_CHARS ? value : value.substring(0, MAX_CHARS) + "...");
    }
  }
}
