package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lookalike models} against a MockWebServer on loopback. */
class ModelsCommandTest {

  private static final byte[] MODEL = bytes(300_000, 1);
  private static final String MODEL_SHA = sha256(MODEL);

  private final MockWebServer server = new MockWebServer();

  @TempDir
  Path tmp;

  Path dir;

  @BeforeEach
  void start() throws IOException {
    server.start();
    dir = tmp.resolve("models");
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  @Test
  void downloadsVerifiesAndMovesIntoPlace() throws Exception {
    server.enqueue(ok(MODEL));

    CliRun run = download("/files/vision.onnx", "--sha256", MODEL_SHA.toUpperCase());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dir.resolve("vision.onnx")).hasBinaryContent(MODEL);
    assertThat(names(dir)).containsExactly("vision.onnx");
    assertThat(run.out()).contains("Downloaded", "vision.onnx", "293.0 KiB", MODEL_SHA + " verified");
    assertThat(run.err()).doesNotContain("warning");
    assertThat(server.takeRequest().getPath()).isEqualTo("/files/vision.onnx");
  }

  @Test
  void withoutChecksumPrintsItAndWarns() throws Exception {
    server.enqueue(ok(MODEL));

    CliRun run = download("/vision.onnx", "--name", "renamed.onnx");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dir.resolve("renamed.onnx")).hasBinaryContent(MODEL);
    assertThat(run.out()).contains("sha256 " + MODEL_SHA).doesNotContain("verified");
    assertThat(run.err()).contains("warning", "not verified");
  }

  @Test
  void checksumMismatchKeepsNothing() throws Exception {
    server.enqueue(ok(MODEL));
    String wrong = "0".repeat(64);

    CliRun run = download("/vision.onnx", "--sha256", wrong);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("lookalike models download: checksum mismatch for vision.onnx")
        .contains("expected sha256 " + wrong, "actual   sha256 " + MODEL_SHA);
    assertThat(names(dir)).isEmpty();
  }

  @Test
  void checksumMismatchLeavesAnExistingFileAlone() throws Exception {
    Files.createDirectories(dir);
    byte[] old = "old model".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("vision.onnx"), old);
    server.enqueue(ok(MODEL));

    CliRun run = download("/vision.onnx", "--sha256", "a".repeat(64));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("is present but its sha256 is " + sha256(old), "checksum mismatch");
    assertThat(dir.resolve("vision.onnx")).hasBinaryContent(old);
    assertThat(names(dir)).containsExactly("vision.onnx");
  }

  @Test
  void notFoundAndServerErrorsAreRuntimeFailures() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(404));
    server.enqueue(new MockResponse().setResponseCode(503));

    CliRun missing = download("/nope.onnx", "--sha256", MODEL_SHA);
    CliRun broken = download("/broken.onnx");

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("HTTP 404", "/nope.onnx", "check the URL").doesNotContain("\tat ");
    assertThat(broken.exitCode()).isEqualTo(1);
    assertThat(broken.err()).contains("HTTP 503", "try again later");
    assertThat(names(dir)).isEmpty();
  }

  @Test
  void connectionRefusedIsARuntimeFailure() throws Exception {
    String url = server.url("/vision.onnx").toString();
    server.shutdown();

    CliRun run = CliRun.of("models", "download", url, "--dir", dir.toString(), "-q");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot connect to");
    assertThat(names(dir)).isEmpty();
  }

  @Test
  void followsRedirectsButNotEndlessly() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/cdn/blob-123"));
    server.enqueue(new MockResponse().setResponseCode(301).setHeader("Location", server.url("/cdn/blob-456")));
    server.enqueue(ok(MODEL));

    CliRun run = download("/resolve/main/vision.onnx", "--sha256", MODEL_SHA);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dir.resolve("vision.onnx")).as("named after the URL asked for").hasBinaryContent(MODEL);
    assertThat(server.getRequestCount()).isEqualTo(3);
    server.takeRequest();
    assertThat(server.takeRequest().getPath()).isEqualTo("/cdn/blob-123");
    assertThat(server.takeRequest().getPath()).isEqualTo("/cdn/blob-456");

    for (int i = 0; i <= ModelDownloader.MAX_REDIRECTS; i++) {
      server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "/loop/" + i));
    }
    CliRun loop = download("/loop.onnx", "--sha256", MODEL_SHA);
    assertThat(loop.exitCode()).isEqualTo(1);
    assertThat(loop.err()).contains("too many redirects");
    assertThat(names(dir)).containsExactly("vision.onnx");
  }

  @Test
  void skipsAFilePresentWithTheRightChecksumUnlessForced() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("vision.onnx"), MODEL);

    CliRun skipped = download("/vision.onnx", "--sha256", MODEL_SHA);

    assertThat(skipped.exitCode()).isZero();
    assertThat(skipped.out()).contains("already present", "skipped");
    assertThat(server.getRequestCount()).isZero();

    byte[] newer = bytes(1000, 2);
    server.enqueue(ok(newer));
    CliRun forced = download("/vision.onnx", "--force");

    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(dir.resolve("vision.onnx")).hasBinaryContent(newer);
    assertThat(names(dir)).containsExactly("vision.onnx");

    CliRun unverified = download("/vision.onnx");
    assertThat(unverified.exitCode()).isZero();
    assertThat(unverified.out()).contains("already present", "not verified");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void listsFilesWithSizeAndChecksum() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("vision.onnx"), MODEL);
    Files.writeString(dir.resolve("a.txt"), "hello");
    Files.writeString(dir.resolve(".vision.onnx.0123.part"), "unfinished");

    CliRun run = CliRun.of("models", "list", "--dir", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.outLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("NAME").contains("SIZE", "SHA256");
    assertThat(lines.get(1)).startsWith("a.txt").contains("5 B", sha256("hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(lines.get(2)).startsWith("vision.onnx").contains("293.0 KiB", MODEL_SHA);
    assertThat(run.out()).doesNotContain(".part");

    CliRun none = CliRun.of("models", "list", "--dir", tmp.resolve("absent").toString());
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("does not exist");
  }

  @Test
  void verifiesAFile() throws Exception {
    Path file = Files.write(tmp.resolve("vision.onnx"), MODEL);

    CliRun good = CliRun.of("models", "verify", file.toString(), "--sha256", MODEL_SHA);
    assertThat(good.exitCode()).isZero();
    assertThat(good.out()).contains("vision.onnx: OK");

    CliRun bad = CliRun.of("models", "verify", file.toString(), "--sha256", "b".repeat(64));
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("FAILED", "expected sha256 " + "b".repeat(64), "actual   sha256 " + MODEL_SHA);

    CliRun missing = CliRun.of("models", "verify", tmp.resolve("nope").toString(), "--sha256", MODEL_SHA);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("lookalike models verify:", "no such file");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(CliRun.of("models").exitCode()).as("no subcommand").isEqualTo(2);
    assertThat(CliRun.of("models", "verify", "x").exitCode()).as("no --sha256").isEqualTo(2);

    CliRun shortHex = CliRun.of("models", "verify", "x", "--sha256", "abc");
    assertThat(shortHex.exitCode()).isEqualTo(2);
    assertThat(shortHex.err()).contains("64 hexadecimal digits", "Usage: lookalike models verify");

    CliRun ftp = CliRun.of("models", "download", "ftp://example.com/m.onnx", "--dir", dir.toString());
    assertThat(ftp.exitCode()).isEqualTo(2);
    assertThat(ftp.err()).contains("only http and https");

    CliRun noName = download("/");
    assertThat(noName.exitCode()).isEqualTo(2);
    assertThat(noName.err()).contains("give --name");

    CliRun traversal = download("/..%2F..%2Fetc%2Fpasswd");
    assertThat(traversal.exitCode()).isEqualTo(2);
    assertThat(traversal.err()).contains("not a plain file name");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(CliRun.of("--help").out()).contains("models");
    CliRun run = CliRun.of("models", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: lookalike models", "download", "list", "verify");
    assertThat(CliRun.of("models", "download", "--help").out()).contains("--sha256", "--dir", "--name", "--force", "--quiet");
  }

  @Test
  void sizesForPeople() {
    assertThat(ModelsCommand.humanBytes(1023)).isEqualTo("1023 B");
    assertThat(ModelsCommand.humanBytes(1536)).isEqualTo("1.5 KiB");
    assertThat(ModelsCommand.humanBytes(350L * 1024 * 1024)).isEqualTo("350.0 MiB");
    assertThat(ModelsCommand.humanBytes(3L << 30)).isEqualTo("3.0 GiB");
  }

  private CliRun download(String path, String... options) {
    String[] args = Stream.concat(
        Stream.of("models", "download", server.url(path).toString(), "--dir", dir.toString(), "-q"),
        Stream.of(options)).toArray(String[]::new);
    return CliRun.of(args);
  }

  private static MockResponse ok(byte[] body) {
    return new MockResponse().setBody(new Buffer().write(body));
  }

  private static List<String> names(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(Sha256.digest().digest(bytes));
  }
}
