package dev.lookalike.server.failover;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** One Lookalike instance as a separate JVM ({@code lookalike run}), killable like a real process. */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ServiceProcess start(Path dir, String name, Map<String, String> settings) throws IOException {
    int port = freePort();
    Properties props = new Properties();
    props.putAll(settings);
    props.put("http.port", String.valueOf(port));
    props.put("state.dir", dir.resolve(name + "-state").toString());
    Path config = dir.resolve(name + ".properties");
    try (var out = Files.newBufferedWriter(config)) {
      props.store(out, "failover test instance " + name);
    }
    Path log = dir.resolve(name + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    // The same flags as the launcher: the instances run the SIMD kernels (jdk.incubator.vector) like production.
    Process process = new ProcessBuilder(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), "dev.lookalike.server.cli.LookalikeCli", "run", "--config", config.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    return new ServiceProcess(process, port, log);
  }

  boolean ready() {
    if (!process.isAlive()) throw new IllegalStateException("instance died; log: " + tail());
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGKILL: no shutdown hook, no clean commit, no leaving the group. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }
}
