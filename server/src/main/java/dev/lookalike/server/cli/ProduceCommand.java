package dev.lookalike.server.cli;

import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.server.SchemaRegistries;
import dev.lookalike.server.cli.ImageInputs.Input;
import dev.lookalike.server.cli.ImageInputs.Selection;
import dev.lookalike.server.cli.UploadEvents.Metadata;
import dev.lookalike.server.cli.UploadProducer.Failure;
import dev.lookalike.server.cli.UploadProducer.Summary;
import dev.lookalike.topology.runtime.TopicProvisioner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
        "Files are sent inline (Confluent Avro wire format, idempotent producer, acks=all), up to image.max.bytes "
            + "(16 MiB unless configured). Folders are walked recursively for image files (" + ProduceCommand.EXTENSIONS
            + "); other files are reported as skipped.",
        "The image id is the path relative to the folder (or the file name, or the URL without its scheme), "
            + "so sending the same folder again replaces the same images.",
        "Kafka and the uploaded topic are checked first: exits 1 at once if Kafka cannot be reached or the topic does not exist.",
        "Prints \"N sent, M failed\"; exits 1 if any image failed or was too large to send, 2 if there was nothing to send.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lookalike produce ./photos --tag holiday --attribute source=camera",
        "  lookalike produce cat.jpg --id cat-1 --tenant acme",
        "  lookalike produce --urls urls.txt --throttle 20"})
final class ProduceCommand implements Callable<Integer> {

  static final String EXTENSIONS = "jpg, jpeg, png, gif, bmp, webp, tif, tiff";
  static final String IMAGE_FORMATS = "JPEG, PNG, GIF, BMP, WebP, TIFF";
  static final int MAX_LISTED_FAILURES = 20;
  static final int MAX_LISTED_SKIPPED = 5;

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

  @Option(names = "--max-inline-bytes", paramLabel = "BYTES",
      description = "Larger files are not sent (default and most: image.max.bytes, 16 MiB unless configured; "
          + "the service refuses larger images).")
  Long maxInlineBytes;

  @Option(names = "--throttle", paramLabel = "N", description = "Send at most N events per second.")
  Double throttle;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() {
    validate();
    LookalikeConfig config = client.load(root.env());
    long inlineCap = inlineCap(config);
    Selection selection = select(inlineCap);
    List<Input> toSend = new ArrayList<>(selection.accepted());
    List<Input> overTopicLimit = new ArrayList<>();
    OptionalInt topicLimit = OptionalInt.empty();
    List<Failure> failures = new ArrayList<>();
    Summary summary = new Summary(0, List.of());
    if (!toSend.isEmpty()) {
      // Once, with a short deadline: a producer facing a dead cluster would wait max.block.ms per image.
      topicLimit = TopicCheck.check(config, config.topicNames().uploaded(), TopicCheck.TIMEOUT).maxMessageBytes();
      try (var registry = SchemaRegistries.create(config)) {
        registry.checkReachable(); // once: a wrong URL failed every file, one line each
      }
      if (topicLimit.isPresent()) {
        int limit = topicLimit.getAsInt();
        // Certain to be refused by the broker: do not send them only to hear so.
        toSend.stream().filter(input -> input.size() > limit).forEach(overTopicLimit::add);
        toSend.removeAll(overTopicLimit);
      }
      if (!toSend.isEmpty()) summary = publish(config, toSend, failures);
    }
    return report(config, summary, failures, selection, inlineCap, overTopicLimit, topicLimit);
  }

  private void validate() {
    if (paths.isEmpty() && urlsFile == null) throw usage("Give image files or folders, or --urls FILE");
    if (throttle != null && throttle <= 0) throw usage("--throttle must be positive");
    if (maxInlineBytes != null && maxInlineBytes < 1) throw usage("--max-inline-bytes must be positive");
  }

  /** --max-inline-bytes, or image.max.bytes: the service refuses larger images, inline or fetched. */
  private long inlineCap(LookalikeConfig config) {
    if (maxInlineBytes == null) return config.imageMaxBytes();
    if (maxInlineBytes > config.imageMaxBytes()) {
      throw usage("--max-inline-bytes " + maxInlineBytes + " is over image.max.bytes " + config.imageMaxBytes()
          + ": the service would refuse such images (if it runs with a larger image.max.bytes, set the same in --config)");
    }
    return maxInlineBytes;
  }

  private Selection select(long inlineCap) {
    Selection selection;
    try {
      selection = ImageInputs.select(paths, urlsFile, inlineCap);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (selection.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      reportSkipped(err, selection.skipped());
      err.flush();
      throw usage(nothingToSend(selection));
    }
    int count = selection.accepted().size() + selection.tooLarge().size() + selection.notImages().size();
    if (id != null && count != 1) throw usage("--id needs exactly one image, found " + count);
    return selection;
  }

  private String nothingToSend(Selection selection) {
    List<String> where = new ArrayList<>();
    if (!paths.isEmpty()) {
      where.add("no image files (" + EXTENSIONS + ") in " + String.join(", ", paths.stream().map(Path::toString).toList())
          + (selection.skipped().isEmpty() ? "" : " (" + selection.skipped().size() + " other file(s) skipped)"));
    }
    if (urlsFile != null) where.add("no URLs in " + urlsFile);
    return "nothing to send: " + String.join(", and ", where);
  }

  private Summary publish(LookalikeConfig config, List<Input> inputs, List<Failure> failures) {
    Metadata metadata = new Metadata(tenant, tags, attributes);
    Pacer pacer = new Pacer(throttle);
    try (Progress progress = Progress.create("produce", inputs.size(), quiet);
         UploadProducer producer = UploadProducer.create(config, "lookalike-produce", progress::step)) {
      Thread interrupted = onInterrupt(producer, inputs.size());
      try {
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
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(interrupted);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs, or has run: Ctrl-C came while sending
        }
      }
    }
  }

  /**
   * Ctrl-C (or SIGTERM) while sending says how far it got, so the user knows what reached Kafka:
   * the JVM stops without the summary otherwise.
   */
  private Thread onInterrupt(UploadProducer producer, int total) {
    PrintWriter err = spec.commandLine().getErr();
    Thread hook = new Thread(() -> {
      err.println();
      err.println("stopped: " + producer.acknowledged() + " of " + total + " acknowledged by Kafka; the rest were not sent, or sent"
          + " without an acknowledgement (sending them again replaces an image under the same id)");
      err.flush();
    }, "produce-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  private static ImageUploaded event(String imageId, Input input, Metadata metadata) throws IOException {
    Instant now = Instant.now();
    if (input.url() != null) return UploadEvents.url(imageId, input.url(), metadata, now);
    return UploadEvents.inline(imageId, Files.readAllBytes(input.file()), input.contentType(), metadata, now);
  }

  private int report(LookalikeConfig config, Summary summary, List<Failure> readFailures, Selection selection,
                     long inlineCap, List<Input> overTopicLimit, OptionalInt topicLimit) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Failure> failures = new ArrayList<>(readFailures);
    failures.addAll(summary.failures());
    // One line per failure, but not ten thousand identical ones when the registry is down.
    failures.stream().limit(MAX_LISTED_FAILURES).forEach(f -> err.println("failed: " + f.imageId() + ": " + f.message()));
    if (failures.size() > MAX_LISTED_FAILURES) err.println("... and " + (failures.size() - MAX_LISTED_FAILURES) + " more");
    List<Input> tooLarge = selection.tooLarge();
    if (!tooLarge.isEmpty()) {
      String hint = inlineCap < config.imageMaxBytes()
          ? "host them and use --urls, or raise --max-inline-bytes up to image.max.bytes " + config.imageMaxBytes()
          : "the service refuses images over image.max.bytes; make them smaller";
      err.println(tooLarge.size() + " file(s) larger than --max-inline-bytes " + inlineCap + " not sent (" + hint + "):");
      tooLarge.forEach(input -> err.println("  " + input.file() + " (" + input.size() + " bytes)"));
    }
    if (!overTopicLimit.isEmpty()) {
      String topic = config.topicNames().uploaded();
      int needed = TopicProvisioner.maxMessageBytes(config);
      err.println(overTopicLimit.size() + " file(s) larger than topic " + topic + "'s max.message.bytes " + topicLimit.getAsInt()
          + " not sent (the service creates it with " + needed + "; for a topic created otherwise: kafka-configs.sh --alter"
          + " --entity-type topics --entity-name " + topic + " --add-config max.message.bytes=" + needed + "):");
      overTopicLimit.forEach(input -> err.println("  " + input.file() + " (" + input.size() + " bytes)"));
    }
    List<Input> notImages = selection.notImages();
    if (!notImages.isEmpty()) {
      err.println(notImages.size() + " file(s) not sent, not an image (their first bytes match none of " + IMAGE_FORMATS + "):");
      notImages.forEach(input -> err.println("  " + input.file()));
    }
    reportSkipped(err, selection.skipped());
    err.flush();
    int failed = failures.size() + tooLarge.size() + overTopicLimit.size() + notImages.size();
    out.println(summary.sent() + " sent, " + failed + " failed");
    out.flush();
    return failed == 0 ? ExitCode.OK : ExitCode.SOFTWARE;
  }

  /** How many files folders held that are not images, and the first few; they do not count as failures. */
  private static void reportSkipped(PrintWriter err, List<Path> skipped) {
    if (skipped.isEmpty()) return;
    err.println(skipped.size() + " file(s) skipped, unsupported extension (folders give " + EXTENSIONS + "):");
    skipped.stream().limit(MAX_LISTED_SKIPPED).forEach(file -> err.println("  " + file + " (unsupported extension)"));
    if (skipped.size() > MAX_LISTED_SKIPPED) err.println("  ... and " + (skipped.size() - MAX_LISTED_SKIPPED) + " more");
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
