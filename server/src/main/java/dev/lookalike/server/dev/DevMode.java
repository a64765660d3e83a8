package dev.lookalike.server.dev;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.avro.Recommendations;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.config.TopicNames;
import dev.lookalike.devstack.ApicurioHome;
import dev.lookalike.devstack.ApicurioRegistry;
import dev.lookalike.devstack.EmbeddedKafka;
import dev.lookalike.registry.RestSchemaRegistryClient;
import dev.lookalike.serde.SpecificSchemas;
import dev.lookalike.server.tls.TlsIdentity;
import dev.lookalike.server.tls.TrustedCertificates;
import dev.lookalike.server.LookalikeService;
import dev.lookalike.server.dev.DevBanner.Samples;
import dev.lookalike.server.dev.SampleImages.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Everything on localhost in one process: an in-process KRaft broker, the real Apicurio schema
 * registry as a child process, the service, and the sample images. Closing stops them in
 * reverse order of starting; a failed start undoes whatever had started.
 */
public final class DevMode implements AutoCloseable {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  static final Duration SAMPLES_TIMEOUT = Duration.ofSeconds(60);
  static final String SAMPLES_MARKER = ".samples-published";

  private final PrintWriter out;
  /** What to undo on close, most recent first. */
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private boolean closed;
  private Stack stack;
  private LookalikeService service;
  private int sampleCount;

  /** Nothing runs until {@link #start}; a shutdown hook can hold this and close it at any time. */
  public DevMode(PrintWriter out) {
    this.out = out;
  }

  /**
   * Starts the stack, publishes the samples and prints the banner. On failure whatever had
   * started is stopped again before the exception propagates.
   *
   * @param base the user's settings (e.g. named vectors); dev mode overrides where things run
   */
  public void start(DevOptions options, LookalikeConfig base) {
    try {
      startAll(options, base);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** The running broker and registry. */
  private record Stack(EmbeddedKafka kafka, ApicurioRegistry registry) {}

  public String httpUrl() {
    return service.httpUrl();
  }

  public String bootstrapServers() {
    return stack.kafka().bootstrapServers();
  }

  /** The registry's Confluent-compatible API. */
  public String registryUrl() {
    return stack.registry().ccompatUrl();
  }

  private void startAll(DevOptions options, LookalikeConfig base) {
    long t0 = System.nanoTime();
    requireFreePort(options.kafkaPort(), "Kafka", "--kafka-port");
    requireFreePort(options.registryPort(), "the schema registry", "--registry-port");
    requireFreePort(options.httpPort(), "the HTTP API", "--http-port");
    Path dataDir = dataDir(options);
    stack = startStack(options, dataDir);
    TopicNames topics = base.topicNames();
    registerSchemas(registryUrl(), topics);

    say("Starting the service ...");
    LookalikeConfig config = DevConfig.forStack(base, bootstrapServers(), registryUrl(), options, dataDir.resolve("state"));
    service = track(LookalikeService.start(config));
    if (!service.awaitReady(READY_TIMEOUT)) {
      throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + READY_TIMEOUT.toSeconds()
          + " s; see the log above");
    }

    Samples samples = options.samples() ? publishSamples(config, dataDir) : Samples.NONE;
    out.print(DevBanner.render(new DevBanner.Info(httpUrl(), bootstrapServers(), registryUrl(), topics, samples,
        sampleCount, dataDir, options.dataDir() == null, Duration.ofNanos(System.nanoTime() - t0), curlOptions(config))));
    out.flush();
  }

  private Stack startStack(DevOptions options, Path dataDir) {
    say("Starting Kafka and the schema registry ...");
    // The registry, a JVM of its own, takes longest; it starts while the broker does.
    CompletableFuture<ApicurioRegistry> registryStart = CompletableFuture.supplyAsync(
        () -> startRegistry(options.registryPort(), options.dataDir() == null ? null : dataDir.resolve("registry")),
        task -> new Thread(task, "lookalike-dev-registry-start").start());
    AutoCloseable registryOnceStarted = () -> registryStart.thenAccept(ApicurioRegistry::close);
    track(registryOnceStarted);
    EmbeddedKafka kafka = track(EmbeddedKafka.start(EmbeddedKafka.Options.defaults()
        .withPort(options.kafkaPort())
        .withDefaultPartitions(options.partitions())
        .withDataDir(options.dataDir() == null ? null : dataDir.resolve("kafka"))));
    ApicurioRegistry registry = join(registryStart);
    // Both run now: stop the registry before the broker, as if it had started second.
    untrack(registryOnceStarted);
    return new Stack(kafka, track(registry));
  }

  private Path dataDir(DevOptions options) {
    try {
      if (options.dataDir() != null) return Files.createDirectories(options.dataDir());
      Path temp = Files.createTempDirectory("lookalike-dev-");
      track(() -> deleteRecursively(temp));
      return temp;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the data dir: " + e.getMessage(), e);
    }
  }

  /** With a --data-dir the registry keeps its schemas there too, beside the topics whose records name them by id. */
  private static ApicurioRegistry startRegistry(int port, Path storageDir) {
    return ApicurioRegistry.start(ApicurioHome.resolve(), port, storageDir);
  }

  /**
   * Registers the event schemas in a fixed order before anything else does. With a --data-dir the
   * registry keeps every schema in a file there, whoever registered it; ids are given in order of
   * registration, so these five have the same ids in every run and in a data dir made before the
   * registry kept a file. They are registered
   * as the service registers them: as the .avsc files declare them, which other languages' clients find.
   */
  static void registerSchemas(String registryUrl, TopicNames topics) {
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(registryUrl)) {
      client.register(topics.uploaded() + "-value", SpecificSchemas.portable(ImageUploaded.getClassSchema()));
      client.register(topics.embedded() + "-value", SpecificSchemas.portable(ImageEmbedded.getClassSchema()));
      client.register(topics.nearDuplicates() + "-value", SpecificSchemas.portable(NearDuplicateDetected.getClassSchema()));
      client.register(topics.recommendations() + "-value", SpecificSchemas.portable(Recommendations.getClassSchema()));
      client.register(topics.deadLetter() + "-value", SpecificSchemas.portable(DeadLetter.getClassSchema()));
    }
  }

  /** Publishes once per data dir: a restart with --data-dir already has them. */
  private Samples publishSamples(LookalikeConfig config, Path dataDir) {
    Path marker = dataDir.resolve(SAMPLES_MARKER);
    if (Files.exists(marker)) return Samples.EARLIER;
    say("Publishing the sample images ...");
    List<Sample> images = SampleImages.generate();
    sampleCount = SamplePublisher.publish(config, images);
    awaitSamples(images, config);
    try {
      Files.writeString(marker, "sample images published\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + marker, e);
    }
    return Samples.PUBLISHED;
  }

  /** What the banner's curl lines need for a --config with HTTPS or API keys. */
  static String curlOptions(LookalikeConfig config) {
    StringBuilder options = new StringBuilder();
    if (!config.httpTlsCertificate().isEmpty()) options.append(" --cacert ").append(config.httpTlsCertificate());
    else if (config.httpTls()) options.append(" -k"); // curl reads no PKCS#12 as a CA file; this is a local dev stack
    if (!config.apiKeys().isEmpty()) options.append(" -H 'x-api-key: YOUR_KEY'");
    return options.toString();
  }

  private void awaitSamples(List<Sample> images, LookalikeConfig config) {
    if (!config.apiKeys().isEmpty()) {
      say("auth.api.keys is set, so the samples are not checked here (that needs a key); they appear within seconds.");
      return;
    }
    Optional<SSLContext> tls = TlsIdentity.from(config).map(identity -> TrustedCertificates.of(identity).sslContext());
    try {
      if (!SamplesReady.await(service.httpUrl(), images.stream().map(Sample::id).toList(), SAMPLES_TIMEOUT, tls)) {
        say("The sample images are still being processed; the examples below may answer 404 for a little while.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the sample images", e);
    }
  }

  /** Fails early with the option to change, instead of a bind error deep inside Kafka or Quarkus. */
  static void requireFreePort(int port, String what, String option) {
    if (port == 0) return;
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException("Port " + port + " for " + what + " is in use; choose another with " + option
          + " PORT (0: any free port)");
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw e;
    }
  }

  /**
   * Remembers what to stop on close. If close already ran (Ctrl-C during start-up), stops it at
   * once and aborts the start.
   */
  private synchronized <T extends AutoCloseable> T track(T resource) {
    if (closed) {
      closeQuietly(resource);
      throw new IllegalStateException("Dev mode was stopped while starting");
    }
    started.push(resource);
    return resource;
  }

  private synchronized void untrack(AutoCloseable resource) {
    started.remove(resource);
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  /** Stops the service, then the registry, then the broker; never throws. */
  @Override
  public synchronized void close() {
    closed = true;
    while (!started.isEmpty()) closeQuietly(started.pop());
    out.flush();
  }

  private void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      out.println("Error while stopping: " + e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
