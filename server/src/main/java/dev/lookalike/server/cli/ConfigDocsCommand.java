package dev.lookalike.server.cli;

import dev.lookalike.config.ConfigDocs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lookalike config-docs}: every setting with its environment variable, default and meaning (what README.md embeds). */
@Command(name = "config-docs", mixinStandardHelpOptions = true,
    header = "Print every setting: key, environment variable, default and meaning (Markdown).")
final class ConfigDocsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(ConfigDocs.markdown());
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
