package dev.lookalike.server.cli;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.server.dev.DevMode;
import dev.lookalike.server.dev.DevOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lookalike dev}: the whole stack on localhost, with sample images. */
@Command(name = "dev", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Run everything on localhost: Kafka, a schema registry, the service and sample images.",
    description = {
        "",
        "Starts an in-process single-node Kafka broker, the Apicurio schema registry (a child process with "
            + "a Confluent-compatible API) and the service; publishes generated sample images with "
            + "near-duplicates among them; prints the URLs and commands to try.",
        "Everything listens on 127.0.0.1 only. Ctrl-C stops it all.",
        ""})
final class DevCommand implements Callable<Integer> {

  @ParentCommand
  LookalikeCli root;

  @Spec
  CommandSpec spec;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP API and web page (default: ${DEFAULT-VALUE}; 0: any free port).")
  int httpPort;

  @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092", description = "Kafka (default: ${DEFAULT-VALUE}; 0: any free port).")
  int kafkaPort;

  @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081", description = "Schema registry (default: ${DEFAULT-VALUE}; 0: any free port).")
  int registryPort;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "4", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--no-samples", description = "Do not publish the sample images.")
  boolean noSamples;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep Kafka's data, the registry's schemas and the state stores here across runs (default: a temp dir deleted on exit).")
  Path dataDir;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with further settings, e.g. named vectors.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    DevOptions options = options();
    LookalikeConfig base = LookalikeConfig.load(configFile, root.env());
    ClientOptions.warnOfUnknownKeys(base, configFile, root.env());
    PrintWriter out = spec.commandLine().getOut();
    DevMode dev = new DevMode(out);
    UntilShutdown until = UntilShutdown.closing(dev, out);
    try {
      dev.start(options, base);
    } catch (RuntimeException e) {
      until.cancel();
      throw e;
    }
    until.await();
    return ExitCode.OK;
  }

  private DevOptions options() {
    try {
      return new DevOptions(httpPort, kafkaPort, registryPort, partitions, !noSamples, dataDir);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
