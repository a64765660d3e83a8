package dev.lookalike.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running command alive until the JVM is asked to stop (Ctrl-C, SIGTERM) and then
 * closes what it runs, in a shutdown hook: the only code a JVM runs on those signals.
 */
final class UntilShutdown {

  private final CountDownLatch stopped = new CountDownLatch(1);
  private Thread hook;

  private UntilShutdown() {}

  /** Registers the hook first, so a signal that comes while {@code resource} starts up still closes it. */
  static UntilShutdown closing(AutoCloseable resource, PrintWriter out) {
    UntilShutdown until = new UntilShutdown();
    until.hook = new Thread(() -> {
      out.println("Stopping ...");
      out.flush();
      try {
        resource.close();
        out.println("Stopped.");
      } catch (Exception e) {
        out.println("Error while stopping: " + LookalikeCli.ErrorReporter.describe(e));
      } finally {
        out.flush();
        until.stopped.countDown();
      }
    }, "lookalike-shutdown");
    Runtime.getRuntime().addShutdownHook(until.hook);
    return until;
  }

  /** For a start-up that failed and cleaned up after itself: nothing left to close. */
  void cancel() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs anyway; closing twice is harmless.
    }
  }

  /** Blocks until the hook has closed the resource. */
  void await() throws InterruptedException {
    stopped.await();
  }
}
