package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.TopicNames;
import dev.lookalike.server.dev.DevOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** The command line's surface: help, versions, usage errors and option parsing; no Kafka needed. */
class LookalikeCliTest {

  @Test
  void helpListsEveryCommand() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: lookalike", "run", "dev", "produce", "tail", "help", "Exit codes");
    assertThat(run.out()).as("an example of every command").contains("lookalike dev ", "lookalike run ", "lookalike produce ",
        "lookalike tail ", "lookalike search ", "lookalike replay ", "lookalike models ");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"run", "dev", "produce", "tail", "search", "replay"}) {
      CliRun run = CliRun.of(command, "--help");
      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command).contains("Usage: lookalike " + command);
    }
    assertThat(CliRun.of("produce", "--help").out()).contains("--bootstrap-servers", "--registry-url", "--max-inline-bytes");
    String registryUrl = String.join(" ", LookalikeCli.commandLine(Map.of()).getSubcommands().get("produce").getCommandSpec()
        .findOption("--registry-url").description());
    assertThat(registryUrl).contains("default: http://localhost:8081/apis/ccompat/v7, what lookalike dev runs",
        "A Confluent Schema Registry is http://host:8081");
  }

  /** With no settings at all, the clients reach what `lookalike dev` runs by default. */
  @Test
  void clientDefaultsReachDevMode() {
    var dev = LookalikeCli.commandLine(Map.of()).getSubcommands().get("dev").getCommandSpec();
    LookalikeConfig defaults = new ClientOptions().load(Map.of());

    assertThat(defaults.bootstrapServers()).isEqualTo("localhost:" + dev.findOption("--kafka-port").defaultValue());
    assertThat(defaults.schemaRegistryUrl())
        .isEqualTo("http://localhost:" + dev.findOption("--registry-port").defaultValue() + "/apis/ccompat/v7");
    assertThat(DevOptions.defaults().registryPort() + "").isEqualTo(dev.findOption("--registry-port").defaultValue());
  }

  @Test
  void aFolderWithoutSupportedImagesIsAUsageErrorThatNamesWhatWasSkipped(@TempDir Path dir) throws Exception {
    for (int i = 1; i <= 7; i++) Files.write(dir.resolve("IMG_000" + i + ".HEIC"), new byte[] {1});
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.writeString(dir.resolve(".DS_Store"), "finder");

    CliRun run = CliRun.of("produce", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).doesNotContain("sent");
    assertThat(run.err()).contains("8 file(s) skipped, unsupported extension",
        dir.resolve("IMG_0001.HEIC") + " (unsupported extension)", "... and 3 more",
        "nothing to send: no image files (jpg, jpeg, png, gif, bmp, webp, tif, tiff) in " + dir + " (8 other file(s) skipped)",
        "Usage: lookalike produce");
    assertThat(run.err()).doesNotContain(".DS_Store");
  }

  @Test
  void anEmptyUrlListIsNothingToSend(@TempDir Path dir) throws Exception {
    Path urls = Files.writeString(dir.resolve("urls.txt"), "# nothing yet\n");

    CliRun run = CliRun.of("produce", "--urls", urls.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nothing to send: no URLs in " + urls);
  }

  @Test
  void anInlineLimitOverTheServicesImageLimitIsAUsageError(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a.png"), new byte[] {1});

    CliRun run = CliRun.of("produce", dir.toString(), "--max-inline-bytes", String.valueOf(16 * 1024 * 1024 + 1));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--max-inline-bytes 16777217 is over image.max.bytes 16777216");
  }

  @Test
  void versionNamesKafkaAndJava() {
    CliRun run = CliRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("lookalike ", "Kafka clients ", "Java ");
    for (String[] sub : List.of(new String[] {"produce", "--version"}, new String[] {"models", "list", "-V"})) {
      assertThat(CliRun.of(sub).out()).as(String.join(" ", sub)).contains("lookalike ", "Kafka clients ");
    }
  }

  @Test
  void configDocsListsEverySettingAndIsInTheHelp() {
    CliRun docs = CliRun.of("config-docs");

    assertThat(docs.exitCode()).isZero();
    assertThat(docs.out()).contains("| `bootstrap.servers` | `LOOKALIKE_BOOTSTRAP_SERVERS` |", "schema.registry.basic.auth.user.info");
    assertThat(CliRun.of("--help").out()).contains("config-docs");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(CliRun.of().exitCode()).as("no command").isEqualTo(2);
    assertThat(CliRun.of("frobnicate").exitCode()).as("unknown command").isEqualTo(2);
    assertThat(CliRun.of("tail").exitCode()).as("missing --topic").isEqualTo(2);
    assertThat(CliRun.of("tail", "--topic", "x", "--timeout", "soon").exitCode()).as("bad duration").isEqualTo(2);
    assertThat(CliRun.of("dev", "--partitions", "0").exitCode()).as("bad partitions").isEqualTo(2);

    CliRun noInput = CliRun.of("produce");
    assertThat(noInput.exitCode()).isEqualTo(2);
    assertThat(noInput.err()).contains("Give image files or folders, or --urls FILE", "Usage: lookalike produce");
  }

  @Test
  void produceRejectsMissingPathsAndAmbiguousIdsAsUsageErrors(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a.png"), new byte[] {1});
    Files.write(dir.resolve("b.png"), new byte[] {2});

    CliRun missing = CliRun.of("produce", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("No such file or folder");

    CliRun ambiguous = CliRun.of("produce", dir.toString(), "--id", "one");
    assertThat(ambiguous.exitCode()).isEqualTo(2);
    assertThat(ambiguous.err()).contains("--id needs exactly one image, found 2");
  }

  @Test
  void runtimeFailuresExitWithOneAndAShortMessage() {
    // Nothing listens on port 1: the registry client fails at once, without a stack trace.
    CliRun run = CliRun.of("tail", "--topic", "uploaded", "--bootstrap-servers", "127.0.0.1:1",
        "--registry-url", "http://127.0.0.1:1", "--timeout", "2s");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("lookalike tail: ").doesNotContain("\tat ");
  }

  @Test
  void clientSettingsComeFromFileThenEnvThenOptions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "bootstrap.servers=file:1\nschema.registry.url=http://file\ntopic.uploaded=my.uploads\n");
    ClientOptions options = new ClientOptions();
    options.configFile = file;

    assertThat(options.load(Map.of()).bootstrapServers()).isEqualTo("file:1");
    assertThat(options.load(Map.of("LOOKALIKE_BOOTSTRAP_SERVERS", "env:1")).bootstrapServers()).isEqualTo("env:1");

    options.bootstrapServers = "option:1";
    LookalikeConfig config = options.load(Map.of("LOOKALIKE_BOOTSTRAP_SERVERS", "env:1"));
    assertThat(config.bootstrapServers()).isEqualTo("option:1");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://file");
    assertThat(config.topicNames().uploaded()).isEqualTo("my.uploads");
  }

  @Test
  void tailAcceptsRolesOrTopicNames() {
    TopicNames names = new TopicNames("u", "e", "n", "r", "d");

    assertThat(TailCommand.topicName("near-duplicates", names)).isEqualTo("n");
    assertThat(TailCommand.topicName("dead-letter", names)).isEqualTo("d");
    assertThat(TailCommand.topicName("some.other.topic", names)).isEqualTo("some.other.topic");
  }

  @Test
  void durationsAsPeopleTypeThem() {
    DurationConverter converter = new DurationConverter();

    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class);
  }
}
