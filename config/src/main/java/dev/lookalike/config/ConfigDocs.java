package dev.lookalike.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** Renders the configuration reference as Markdown, so the README is generated, not written. */
public final class ConfigDocs {

  private ConfigDocs() {}

  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| key | env | default | description |\n|---|---|---|---|\n");
    rows(out, LookalikeConfig.CONFIG_DEF, "");
    out.append("\nPer named vector, under `vector.<name>.` (e.g. `vector.perceptual.duplicate.threshold`):\n\n");
    out.append("| key | default | description |\n|---|---|---|\n");
    for (ConfigDef.ConfigKey key : sorted(VectorConfig.CONFIG_DEF)) {
      out.append("| `vector.<name>.").append(key.name).append("` | `").append(render(key)).append("` | ")
          .append(escape(key.documentation)).append(" |\n");
    }
    out.append("\nAny key under `kafka.` (env `LOOKALIKE_KAFKA_*`) is passed to the Kafka clients as is, e.g. `kafka.security.protocol`.\n");
    return out.toString();
  }

  private static void rows(StringBuilder out, ConfigDef def, String prefix) {
    for (ConfigDef.ConfigKey key : sorted(def)) {
      if (key.name.equals(LookalikeConfig.STATE_DIR)) {
        out.append("| `state.dir` | `").append(LookalikeConfig.envName(key.name)).append("` | `${java.io.tmpdir}/lookalike-state` | ")
            .append(escape(key.documentation)).append(" |\n");
        continue;
      }
      out.append("| `").append(prefix).append(key.name).append("` | `").append(LookalikeConfig.envName(key.name)).append("` | `")
          .append(render(key)).append("` | ").append(escape(key.documentation)).append(" |\n");
    }
  }

  private static List<ConfigDef.ConfigKey> sorted(ConfigDef def) {
    return def.configKeys().values().stream().sorted((a, b) -> a.name.compareTo(b.name)).toList();
  }

  private static String render(ConfigDef.ConfigKey key) {
    Object v = key.defaultValue;
    if (v instanceof Password p) return p.value(); // its toString() is "[hidden]", even for the empty default
    if (v instanceof List<?> list) return String.join(",", list.stream().map(Object::toString).toList());
    return String.valueOf(v);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }

  public static void main(String[] args) {
    System.out.print(markdown());
  }
}
