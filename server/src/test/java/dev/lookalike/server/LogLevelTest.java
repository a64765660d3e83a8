package dev.lookalike.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.lookalike.config.LookalikeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** log.level (and LOOKALIKE_LOG_LEVEL) sets the level of the service's own loggers. */
class LogLevelTest {

  @Test
  void logLevelSettingAppliesToTheServicesLoggers() {
    Logger ours = (Logger) LoggerFactory.getLogger("dev.lookalike");
    Level before = ours.getLevel();
    try {
      LookalikeConfig config = LookalikeConfig.load(null, Map.of("LOOKALIKE_LOG_LEVEL", "debug"));
      assertThat(config.logLevel()).isEqualTo("DEBUG");
      LookalikeService.applyLogLevel(config.logLevel());
      assertThat(LoggerFactory.getLogger("dev.lookalike.server.http.HttpApi").isDebugEnabled()).isTrue();
      LookalikeService.applyLogLevel(LookalikeConfig.of(Map.of()).logLevel());
      assertThat(ours.getLevel()).isEqualTo(Level.INFO);
    } finally {
      ours.setLevel(before);
    }
  }
}
