package dev.lookalike.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lookalike models}: fetches model files (ONNX towers and the like) and checks them. */
@Command(name = "models", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Download, list and verify model files.",
    description = {
        "",
        "Models are large files the onnx and clip embedders load (vector.<name>.model.path); "
            + "these commands fetch them once, check them by SHA-256 and show what a folder holds.",
        ""},
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    subcommands = {ModelsCommand.Download.class, ModelsCommand.ListModels.class, ModelsCommand.Verify.class},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lookalike models download https://example.com/vision.onnx --sha256 9f86d0...",
        "  lookalike models list",
        "  lookalike models verify models/vision.onnx --sha256 9f86d0..."})
final class ModelsCommand implements Callable<Integer> {

  static final String DEFAULT_DIR = "./models";

  @Spec
  CommandSpec spec;

  /** Without a subcommand, show the help, and fail as a usage error so scripts notice. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  @Command(name = "download", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
      header = "Download a model file over http(s), verified by SHA-256.",
      description = {
          "",
          "Streams into a hidden temporary file in DIR while hashing, then moves it into place only when "
              + "complete and matching --sha256; a failed or interrupted download leaves nothing behind.",
          "Follows up to " + ModelDownloader.MAX_REDIRECTS + " redirects. A file already present with the "
              + "expected checksum is not downloaded again unless --force.",
          "Without --sha256 the file is kept unverified and its checksum printed.",
          ""},
      footerHeading = "%nExamples:%n",
      footer = {
          "  lookalike models download https://example.com/vision.onnx --sha256 9f86d0...",
          "  lookalike models download https://example.com/get?id=7 --name text.onnx -q"})
  static final class Download implements Callable<Integer> {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", description = "An http or https URL.")
    String url;

    @Option(names = "--sha256", paramLabel = "HEX", description = "The expected SHA-256 (64 hexadecimal digits).")
    String sha256;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
        description = "Target folder, created if missing (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--name", paramLabel = "FILE", description = "File name in DIR (default: the URL's last path segment).")
    String name;

    @Option(names = "--force", description = "Download even if the file is already present.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
      HttpUrl source = httpUrl(url);
      String expected = checksum(spec, sha256);
      String fileName = fileName(source);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();

      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IOException("cannot create the folder " + dir, e);
      }
      Path target = dir.resolve(fileName);
      if (Files.isDirectory(target)) throw new IOException(target + " is a folder");
      if (Files.exists(target) && !force) {
        if (expected == null) {
          out.println(target + " is already present; skipped (not verified: no --sha256; --force downloads it again)");
          return ExitCode.OK;
        }
        String present = Sha256.of(target);
        if (present.equals(expected)) {
          out.println(target + " is already present with the expected sha256; skipped (--force downloads it again)");
          return ExitCode.OK;
        }
        err.println(target + " is present but its sha256 is " + present + "; downloading it again");
        err.flush();
      }

      ModelDownloader.Downloaded downloaded;
      try (ModelDownloader downloader = new ModelDownloader(CONNECT_TIMEOUT, READ_TIMEOUT)) {
        downloaded = downloader.download(source, target, expected, length -> Progress.bytes(fileName, length, quiet));
      }
      out.println("Downloaded " + target + " (" + humanBytes(downloaded.bytes()) + "), sha256 " + downloaded.sha256()
          + (expected != null ? " verified" : ""));
      if (expected == null) {
        err.println("warning: the checksum was not verified (no --sha256); compare it with the publisher's "
            + "and pass --sha256 from now on");
      }
      return ExitCode.OK;
    }

    private HttpUrl httpUrl(String text) {
      HttpUrl parsed = HttpUrl.parse(text.strip());
      if (parsed != null) return parsed;
      int colon = text.indexOf("://");
      if (colon > 0) throw usage(spec, "only http and https URLs can be downloaded, not " + text.substring(0, colon) + ":");
      throw usage(spec, "not an http(s) URL: " + text);
    }

    /** The given name, or the URL's last path segment; a plain file name either way. */
    private String fileName(HttpUrl source) {
      List<String> segments = source.pathSegments();
      String candidate = name != null ? name : segments.get(segments.size() - 1);
      String problem = fileNameProblem(candidate);
      if (problem == null) return candidate;
      if (name != null) throw usage(spec, "--name " + problem);
      throw usage(spec, "cannot take a file name from " + source + " (" + problem + "); give --name FILE");
    }

    static String fileNameProblem(String candidate) {
      if (candidate.isBlank()) return "is empty";
      if (candidate.contains("/") || candidate.contains("\\") || candidate.contains("\0")) {
        return "'" + candidate + "' is not a plain file name";
      }
      if (candidate.startsWith(".")) return "'" + candidate + "' starts with a dot";
      return null;
    }
  }

  @Command(name = "list", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
      header = "List the model files in a folder with their size and SHA-256.",
      description = {"", "Hidden files (such as an unfinished download's .part file) are left out.", ""})
  static final class ListModels implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
        description = "The models folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.exists(dir)) {
        err.println("No models: " + dir + " does not exist");
        return ExitCode.OK;
      }
      if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a folder");
      List<Path> files;
      try (Stream<Path> entries = Files.list(dir)) {
        files = entries
            .filter(file -> !file.getFileName().toString().startsWith("."))
            .filter(Files::isRegularFile)
            .sorted(Comparator.comparing(file -> file.getFileName().toString()))
            .toList();
      }
      if (files.isEmpty()) {
        err.println("No models in " + dir);
        return ExitCode.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "SIZE", "SHA256"});
      for (Path file : files) {
        rows.add(new String[] {file.getFileName().toString(), humanBytes(Files.size(file)), Sha256.of(file)});
      }
      int nameWidth = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0);
      int sizeWidth = rows.stream().mapToInt(row -> row[1].length()).max().orElse(0);
      for (String[] row : rows) {
        out.println(String.format("%-" + nameWidth + "s  %" + sizeWidth + "s  %s", (Object[]) row));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "verify", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
      header = "Check a file's SHA-256: exit 0 when it matches, 1 when not.")
  static final class Verify implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The file to check.")
    Path file;

    @Option(names = "--sha256", required = true, paramLabel = "HEX", description = "The expected SHA-256 (64 hexadecimal digits).")
    String sha256;

    @Override
    public Integer call() throws IOException {
      String expected = checksum(spec, sha256);
      if (!Files.isRegularFile(file)) throw new IOException(file + (Files.exists(file) ? " is not a file" : ": no such file"));
      String actual = Sha256.of(file);
      if (actual.equals(expected)) {
        spec.commandLine().getOut().println(file + ": OK");
        return ExitCode.OK;
      }
      spec.commandLine().getErr().printf("%s: FAILED%n  expected sha256 %s%n  actual   sha256 %s%n", file, expected, actual);
      return ExitCode.SOFTWARE;
    }
  }

  private static String checksum(CommandSpec spec, String text) {
    if (text == null) return null;
    try {
      return Sha256.parse(text);
    } catch (IllegalArgumentException e) {
      throw usage(spec, e.getMessage());
    }
  }

  private static ParameterException usage(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** 1023 B, 1.5 KiB, 87.6 MiB, 1.2 GiB. */
  static String humanBytes(long bytes) {
    if (bytes < 1024) return bytes + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
