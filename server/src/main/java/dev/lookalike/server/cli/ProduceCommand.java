package dev.lookalike.server.cli;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.server.cli.ImageInputs.Input;
import dev.lookalike.server.cli.ImageInputs.Selection;
import dev.lookalike.server.cli.UploadEvents.Metadata;
import dev.lookalike.server.cli.UploadProducer.Failure;
import dev.lookalike.server.cli.UploadProducer.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lookalike produce}: publishes ImageUploaded events for files, folders and URLs. */
@Command(name = "produce", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    header = "Publish ImageUploaded events for image files, folders or URLs.",
    description = {
        "",
        "Files are sent inline (Confluent Avro wire format, idempotent producer, acks=all). Folders are "
            + "walked recursively for image files (jpg, jpeg, png, gif, bmp, webp, tif, tiff).",
        "The image id is the path relative to the folder (or the file name, or the URL without its scheme), "
            + "so sending the same folder again replaces the same images.",
        "Prints \"N sent, M failed\"; exits 1 if any image failed or was too large to inline.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lookalike produce ./photos --tag holiday --attribute source=camera",
        "  lookalike produce cat.jpg --id cat-1 --tenant acme",
        "  lookalike produce --urls urls.txt --throttle 20"})
final class ProduceCommand implements Callable<Integer> {

  static final long DEFAULT_MAX_INLINE_BYTES = 900 * 1024;
  static final int MAX_LISTED_FAILURES = 20;

  @ParentCommand
  LookalikeCli root;

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Image files or folders.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--urls", paramLabel = "FILE",
      description = "A file of image URLs, one per line (# comments allowed); each becomes a URL-sourced event the service fetches.")
  Path urlsFile;

  @Option(names = "--tenant", paramLabel = "NAME", defaultValue = "default", description = "Tenant of every image (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(names = "--tag", paramLabel = "TAG", description = "A tag for every image; repeatable.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--attribute", paramLabel = "KEY=VALUE", description = "An attribute for every image; repeatable.")
  Map<String, String> attributes = new LinkedHashMap<>();

  @Option(names = "--id-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prepended to every derived image id.")
  String idPrefix;

  @Option(names = "--id", paramLabel = "ID", description = "The image id, when publishing exactly one image.")
  String id;

  @Option(names = "--max-inline-bytes", paramLabel = "BYTES", defaultValue = "" + DEFAULT_MAX_INLINE_BYTES,
      description = "Larger files are not sent (default: ${DEFAULT-VALUE}, under Kafka's default 1 MB message limit).")
  long maxInlineBytes;

  @Option(names = "--throttle", paramLabel = "N", description = "Send at most N events per second.")
  Double throttle;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() {
    validate();
    Selection selection = select();
    List<Failure> failures = new ArrayList<>();
    Summary summary = publish(selection.accepted(), failures);
    return report(summary, failures, selection.tooLarge());
  }

  private void validate() {
    if (paths.isEmpty() && urlsFile == null) throw usage("Give image files or folders, or --urls FILE");
    if (throttle != null && throttle <= 0) throw usage("--throttle must be positive");
    if (maxInlineBytes < 1) throw usage("--max-inline-bytes must be positive");
  }

  private Selection select() {
    Selection selection;
    try {
      selection = ImageInputs.select(paths, urlsFile, maxInlineBytes);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    int count = selection.accepted().size() + selection.tooLarge().size();
    if (id != null && count != 1) throw usage("--id needs exactly one image, found " + count);
    return selection;
  }

  private Summary publish(List<Input> inputs, List<Failure> failures) {
    Metadata metadata = new Metadata(tenant, tags, attributes);
    Pacer pacer = new Pacer(throttle);
    try (Progress progress = Progress.create("produce", inputs.size(), quiet);
         UploadProducer producer = UploadProducer.create(client.load(root.env()), "lookalike-produce", progress::step)) {
      for (Input input : inputs) {
        pacer.await();
        String imageId = id != null ? id : idPrefix + input.id();
        try {
          producer.send(event(imageId, input, metadata));
        } catch (IOException e) {
          failures.add(new Failure(imageId, "cannot read " + input.file() + ": " + e.getMessage()));
          progress.step();
        }
      }
      return producer.finish();
    }
  }

  private static ImageUploaded event(String imageId, Input input, Metadata metadata) throws IOException {
    Instant now = Instant.now();
    if (input.url() != null) return UploadEvents.url(imageId, input.url(), metadata, now);
    return UploadEvents.inline(imageId, Files.readAllBytes(input.file()), input.contentType(), metadata, now);
  }

  private int report(Summary summary, List<Failure> readFailures, List<Input> tooLarge) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Failure> failures = new ArrayList<>(readFailures);
    failures.addAll(summary.failures());
    // One line per failure, but not ten thousand identical ones when the registry is down.
    failures.stream().limit(MAX_LISTED_FAILURES).forEach(f -> err.println("failed: " + f.imageId() + ": " + f.message()));
    if (failures.size() > MAX_LISTED_FAILURES) err.println("... and " + (failures.size() - MAX_LISTED_FAILURES) + " more");
    if (!tooLarge.isEmpty()) {
      err.println(tooLarge.size() + " file(s) larger than --max-inline-bytes " + maxInlineBytes
          + " not sent (host them and use --urls, or raise the topic's max.message.bytes and the limit):");
      tooLarge.forEach(input -> err.println("  " + input.file() + " (" + input.size() + " bytes)"));
    }
    err.flush();
    int failed = failures.size() + tooLarge.size();
    out.println(summary.sent() + " sent, " + failed + " failed");
    out.flush();
    return failed == 0 ? ExitCode.OK : ExitCode.SOFTWARE;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Spaces sends evenly at the requested rate; without one, never waits. */
  static final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Pacer(Double perSecond) {
      this.intervalNanos = perSecond == null ? 0 : (long) (1e9 / perSecond);
    }

    void await() {
      if (intervalNanos == 0) return;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      next = Math.max(next, System.nanoTime() - intervalNanos) + intervalNanos;
    }
  }
}
