package dev.lookalike.server.cli;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.server.LookalikeService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lookalike run}: one service instance, until Ctrl-C or SIGTERM. */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Run one service instance against a Kafka cluster and schema registry.",
    description = {
        "",
        "Creates missing topics, starts Kafka Streams and the HTTP API, and runs until Ctrl-C or SIGTERM "
            + "stops it cleanly. More instances with the same application.id share the partitions.",
        "Every setting can also be given as an environment variable: LOOKALIKE_ + the key in upper case "
            + "with '.' and '-' as '_', e.g. LOOKALIKE_BOOTSTRAP_SERVERS.",
        ""})
final class RunCommand implements Callable<Integer> {

  static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  @ParentCommand
  LookalikeCli root;

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the service settings.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    LookalikeConfig config = LookalikeConfig.load(configFile, root.env());
    ClientOptions.warnOfUnknownKeys(config, configFile, root.env());
    PrintWriter out = spec.commandLine().getOut();
    // The hook is in place before the service starts, so a signal during start-up closes what started.
    AtomicReference<LookalikeService> service = new AtomicReference<>();
    UntilShutdown until = UntilShutdown.closing(() -> {
      LookalikeService running = service.get();
      if (running != null) running.close();
    }, out);
    try {
      service.set(LookalikeService.start(config));
    } catch (RuntimeException e) {
      until.cancel();
      throw e;
    }
    out.printf("Lookalike HTTP API at %s (Kafka %s, schema registry %s)%n", service.get().httpUrl(),
        config.bootstrapServers(), config.schemaRegistryUrl());
    out.flush();
    out.println(service.get().awaitReady(READY_TIMEOUT)
        ? "Kafka Streams is running."
        : "Kafka Streams is not running after " + READY_TIMEOUT.toMinutes() + " minutes; still trying (see the log).");
    out.flush();
    until.await();
    return ExitCode.OK;
  }
}
