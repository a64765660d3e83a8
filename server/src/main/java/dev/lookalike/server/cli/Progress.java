package dev.lookalike.server.cli;

import java.io.Console;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr with rate and ETA when a person is watching, nothing otherwise: a
 * bar redrawn with carriage returns is noise in a log file or a pipe.
 */
interface Progress extends AutoCloseable {

  void step();

  @Override
  void close();

  static Progress create(String task, long total, boolean quiet) {
    if (quiet || total == 0 || !isTerminal()) return new Progress() {
      @Override public void step() {}
      @Override public void close() {}
    };
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit(" img", 1)
        .showSpeed()
        .setUpdateIntervalMillis(200)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
    return new Progress() {
      // Steps come from the producer's I/O thread, the bar is closed from the main thread.
      @Override public synchronized void step() { bar.step(); }
      @Override public synchronized void close() { bar.close(); }
    };
  }

  /**
   * Whether stdin/stdout are a terminal. Since JDK 22 {@link System#console()} is non-null even
   * when redirected and {@code Console.isTerminal()} tells; it is called reflectively because
   * the code is compiled for Java 21.
   */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) return false;
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException olderJdk) {
      return true;
    }
  }
}
