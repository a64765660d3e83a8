package dev.lookalike.bench.index;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Just enough JSON to write one flat object per line (the raw results), no library needed. */
final class Json {

  private Json() {}

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }

  /** Values: null, Number, Boolean or anything else as a string. */
  static String object(Map<String, ?> fields) {
    StringJoiner out = new StringJoiner(", ", "{", "}");
    fields.forEach((key, value) -> out.add(quote(key) + ": " + value(value)));
    return out.toString();
  }

  private static String value(Object value) {
    if (value == null) return "null";
    if (value instanceof Double d) return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
    if (value instanceof Number || value instanceof Boolean) return value.toString();
    return quote(value.toString());
  }
}
