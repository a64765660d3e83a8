package dev.lookalike.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.lookalike.config.LookalikeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** log.level (and LOOKALIKE_LOG_LEVEL) sets the level of the service's own loggers; logs go to stderr. */
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

  /** stdout is the commands' output (tail, search --json | jq): a Kafka client's warning must not land there. */
  @Test
  void theShippedConfigurationLogsToStandardError() throws Exception {
    List<URL> shipped = Collections.list(getClass().getClassLoader().getResources("logback.xml"));
    assertThat(shipped).as("the service's logback.xml").hasSize(1);
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
      configurator.doConfigure(shipped.get(0));
      context.getLogger("org.apache.kafka.clients.NetworkClient").warn("Connection to node -1 could not be established");
    } finally {
      context.stop();
      System.setOut(out);
      System.setErr(err);
    }
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("WARN", "Connection to node -1 could not be established");
    assertThat(capturedOut.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  /** The bracket names the image and its tenant, only what is known: an undecodable upload has an id but no tenant. */
  @Test
  void theBracketShowsOnlyWhatIsKnownOfTheImage() throws Exception {
    assertThat(logLine(Map.of("imageId", "cat-1", "tenant", "acme"))).contains(" [imageId=cat-1 tenant=acme] hello");
    assertThat(logLine(Map.of("imageId", "cat-1"))).contains(" [imageId=cat-1] hello").doesNotContain("tenant=");
    assertThat(logLine(Map.of())).doesNotContain("[").contains("LogLevelTest hello");
  }

  private static String logLine(Map<String, String> mdc) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      configurator.doConfigure(LogLevelTest.class.getClassLoader().getResource("logback.xml"));
      mdc.forEach(context.getMDCAdapter()::put);
      context.getLogger("dev.lookalike.LogLevelTest").info("hello");
    } finally {
      context.stop();
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
