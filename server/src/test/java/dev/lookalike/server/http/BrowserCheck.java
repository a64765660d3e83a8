package dev.lookalike.server.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs server/src/test/resources/browser/page-test.mjs in a real headless Chromium through
 * playwright-core, with axe-core's accessibility rules, both of which it installs itself (npm, into target/browser-test). Skips, with the
 * reason, when Chromium, node/npm or the npm registry is not available; Chromium is found at
 * $LOOKALIKE_CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser (Debian: apt-get install chromium).
 */
final class BrowserCheck {

  private BrowserCheck() {}

  /** @return the script's output; fails the test when the page misbehaves, skips when no browser can run */
  static String run(String baseUrl, String apiKey, Path image) throws IOException, InterruptedException {
    String chromium = chromium();
    assumeTrue(chromium != null, "browser test skipped: no Chromium (set LOOKALIKE_CHROMIUM or apt-get install chromium)");
    assumeTrue(onPath("node") && onPath("npm"), "browser test skipped: node and npm are needed for playwright-core");
    Path dir = Path.of("target", "browser-test").toAbsolutePath();
    Files.createDirectories(dir);
    Path script = dir.resolve("page-test.mjs");
    try (InputStream in = BrowserCheck.class.getResourceAsStream("/browser/page-test.mjs")) {
      Files.write(script, in.readAllBytes());
    }
    if (!Files.isDirectory(dir.resolve("node_modules/playwright-core")) || !Files.isDirectory(dir.resolve("node_modules/axe-core"))) {
      Files.writeString(dir.resolve("package.json"), "{\"name\":\"lookalike-browser-test\",\"private\":true}");
      Result install = exec(dir, 300, List.of("npm", "install", "--no-audit", "--no-fund", "--silent", "playwright-core@1", "axe-core@4"));
      assumeTrue(install.code == 0, "browser test skipped: npm install playwright-core failed: " + install.output.strip());
    }
    Path screenshot = dir.resolve("page.png");
    Files.deleteIfExists(screenshot);
    Result result = exec(dir, 180, List.of("node", script.toString(), baseUrl, apiKey, image.toAbsolutePath().toString(), chromium));
    if (result.code != 0 || !result.output.contains("OK")) {
      throw new AssertionError("page test in Chromium failed (exit " + result.code + "):\n" + result.output);
    }
    byte[] png = Files.readAllBytes(screenshot);
    if (png.length < 1000 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
      throw new AssertionError("no screenshot of the page at " + screenshot);
    }
    return result.output;
  }

  private static String chromium() {
    String env = System.getenv("LOOKALIKE_CHROMIUM");
    for (String candidate : new String[] {env, "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (candidate != null && !candidate.isBlank() && Files.isExecutable(Path.of(candidate))) return candidate;
    }
    return null;
  }

  private static boolean onPath(String command) {
    try {
      return exec(Path.of("."), 30, List.of(command, "--version")).code == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private record Result(int code, String output) {}

  private static Result exec(Path dir, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    Path log = Files.createTempFile("browser-check", ".log");
    try {
      Thread pump = Thread.ofVirtual().start(() -> {
        try (InputStream in = process.getInputStream()) {
          Files.write(log, in.readAllBytes());
        } catch (IOException ignored) {
          // the process died; its exit code tells
        }
      });
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        pump.join(5000);
        return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      pump.join(5000);
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
