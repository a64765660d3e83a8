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

  /** Shows nothing. */
  Progress NONE = new Progress() {
    @Override public void stepBy(long n) {}
    @Override public void close() {}
  };

  void stepBy(long n);

  default void step() {
    stepBy(1);
  }

  @Override
  void close();

  /** Counts images; nothing when there are none. */
  static Progress create(String task, long total, boolean quiet) {
    if (quiet || total == 0 || !isTerminal()) return NONE;
    return show(builder(task).setInitialMax(total).setUnit(" img", 1));
  }

  /** Counts bytes in MiB; {@code total} negative when not known (no percentage, no ETA). */
  static Progress bytes(String task, long total, boolean quiet) {
    if (quiet || !isTerminal()) return NONE;
    return show(builder(task).setInitialMax(total < 0 ? -1 : total).setUnit(" MiB", 1024 * 1024));
  }

  private static ProgressBarBuilder builder(String task) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setStyle(ProgressBarStyle.ASCII)
        .showSpeed()
        .setUpdateIntervalMillis(200)
        .setConsumer(new ConsoleProgressBarConsumer(System.err));
  }

  private static Progress show(ProgressBarBuilder builder) {
    ProgressBar bar = builder.build();
    return new Progress() {
      // Steps come from the producer's I/O thread, the bar is closed from the main thread.
      @Override public synchronized void stepBy(long n) { bar.stepBy(n); }
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
