package dev.lookalike.server.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code lookalike} command line: the service ({@code run}), the embedded dev stack
 * ({@code dev}), three Kafka clients ({@code produce}, {@code tail}, {@code replay} of dead
 * letters), a client of the HTTP API ({@code search}) and model files ({@code models}).
 *
 * <p>Exit codes scripts can rely on: 0 success, 1 runtime failure, 2 usage error.
 */
@Command(name = "lookalike",
    mixinStandardHelpOptions = true,
    versionProvider = LookalikeCli.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Event-driven image similarity on Kafka Streams.",
    description = {
        "",
        "Producers publish ImageUploaded events to Kafka; Lookalike embeds every image, finds its "
            + "near-duplicates and most similar images, emits them as events, and answers queries over HTTP.",
        ""},
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    subcommands = {RunCommand.class, DevCommand.class, ProduceCommand.class, TailCommand.class, ReplayCommand.class, SearchCommand.class,
        ModelsCommand.class, ConfigDocsCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%n",
    footer = {
        "Settings come from --config FILE, then LOOKALIKE_* environment variables "
            + "(e.g. LOOKALIKE_BOOTSTRAP_SERVERS), then command-line options.",
        "Exit codes: 0 success, 1 runtime failure, 2 usage error.",
        "",
        "Examples:",
        "  lookalike dev                         # everything on localhost",
        "  lookalike run --config my.properties  # one service instance",
        "  lookalike produce ./photos --tag trip # publish a folder of images",
        "  lookalike tail --topic near-duplicates",
        "  lookalike search --image cat.jpg      # search a running instance by image",
        "  lookalike replay --dry-run            # list retriable dead letters to resend",
        "  lookalike models download URL --sha256 HEX",
        "  lookalike help produce"})
public final class LookalikeCli implements Callable<Integer> {

  private final Map<String, String> env;

  @Spec
  CommandSpec spec;

  /** @param env the environment variables settings are read from (System.getenv() in production) */
  public LookalikeCli(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  public static void main(String[] args) {
    // No window system is needed for drawing sample images; never try to open one.
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** A ready-to-execute command line; tests swap its out and err writers with setOut/setErr. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new LookalikeCli(env));
    cli.setExecutionExceptionHandler(new ErrorReporter());
    cli.setParameterExceptionHandler(LookalikeCli::usageError);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    giveVersionTo(cli); // "lookalike produce --version" printed nothing: subcommands do not inherit the provider
    return cli;
  }

  private static void giveVersionTo(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommandSpec().versionProvider() == null) sub.getCommandSpec().versionProvider(new Version());
      giveVersionTo(sub);
    }
  }

  /** Without a command, show the help, and fail as a usage error so scripts notice. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  Map<String, String> env() {
    return env;
  }


  /** The problem, the command's synopsis and where to read more; not the whole help page. */
  static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(cli.getColorScheme().errorText("lookalike: " + e.getMessage()));
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    CommandLine.Help help = cli.getHelp();
    err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
    err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCode.USAGE;
  }

  /**
   * Prints a failure as one line a person can act on rather than a stack trace; the trace only
   * with {@code LOOKALIKE_DEBUG=true}. Bad settings are usage errors; everything else is a
   * runtime failure.
   */
  static final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
      PrintWriter err = cli.getErr();
      // "lookalike tail: ...", "lookalike models download: ..."
      err.println(cli.getColorScheme().errorText(cli.getCommandSpec().qualifiedName() + ": " + describe(e)));
      if ("true".equalsIgnoreCase(System.getenv("LOOKALIKE_DEBUG"))) e.printStackTrace(err);
      err.flush();
      return e instanceof ConfigException ? ExitCode.USAGE : ExitCode.SOFTWARE;
    }

    static String describe(Throwable e) {
      StringBuilder message = new StringBuilder(Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
      for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
        if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
          message.append(": ").append(cause.getMessage());
        }
      }
      return message.toString();
    }
  }

  /** The version Maven wrote into the jar, plus the Kafka client and JVM versions. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
          "lookalike " + projectVersion(),
          "Kafka clients " + org.apache.kafka.common.utils.AppInfoParser.getVersion(),
          "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    private static String projectVersion() {
      String fromManifest = LookalikeCli.class.getPackage().getImplementationVersion();
      if (fromManifest != null) return fromManifest;
      // maven-jar-plugin always packs pom.properties; absent only when run from classes/.
      try (var in = LookalikeCli.class.getResourceAsStream("/META-INF/maven/dev.lookalike/lookalike-server/pom.properties")) {
        if (in == null) return "(development build)";
        var props = new java.util.Properties();
        props.load(in);
        return props.getProperty("version", "(unknown)");
      } catch (java.io.IOException e) {
        return "(unknown)";
      }
    }
  }
}
