package dev.lookalike.server.dev;

import dev.lookalike.config.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The text dev mode prints once everything is up: where things are and what to paste next. */
final class DevBanner {

  /** Whether the sample images are there: none, published now, or kept from an earlier run of the data dir. */
  enum Samples { NONE, PUBLISHED, EARLIER }

  /** What the banner shows. */
  record Info(String httpUrl, String bootstrapServers, String registryUrl, TopicNames topics, Samples samples,
              int sampleCount, Path dataDir, boolean dataIsTemporary, Duration startup, String curlOptions) {

    Info(String httpUrl, String bootstrapServers, String registryUrl, TopicNames topics, Samples samples, int sampleCount,
         Path dataDir, boolean dataIsTemporary, Duration startup) {
      this(httpUrl, bootstrapServers, registryUrl, topics, samples, sampleCount, dataDir, dataIsTemporary, startup, "");
    }
  }

  /** How to call the CLI; {@code ./lookalike} is the launcher at the repository root. */
  static final String CLI = "./lookalike";

  private DevBanner() {}

  static String render(Info info) {
    StringBuilder b = new StringBuilder();
    b.append('\n').append(rule())
        .append(String.format("  Lookalike dev mode is up (%.1f s)%n", info.startup().toMillis() / 1000.0))
        .append(rule()).append('\n');
    row(b, "Web page", info.httpUrl() + "/");
    row(b, "HTTP API", info.httpUrl() + "/v1");
    row(b, "Kafka", info.bootstrapServers());
    row(b, "Schema registry", info.registryUrl() + "   (Confluent-compatible API)");
    row(b, "Data", info.dataDir() + (info.dataIsTemporary() ? "   (deleted on exit; keep it with --data-dir)" : ""));
    b.append("\nTopics\n");
    topicRows(info.topics()).forEach(r -> row(b, r.get(0), r.get(1)));
    b.append('\n').append(samples(info));
    b.append("\nTry\n");
    curlExamples(info.httpUrl(), exampleId(info), info.curlOptions()).forEach(line -> b.append("  ").append(line).append('\n'));
    b.append("\nWatch and publish events\n");
    String connect = " --bootstrap-servers " + info.bootstrapServers() + " --registry-url " + info.registryUrl();
    b.append("  ").append(CLI).append(" tail --topic near-duplicates --from-beginning").append(connect).append('\n');
    b.append("  ").append(CLI).append(" tail --topic recommendations --from-beginning").append(connect).append('\n');
    b.append("  ").append(CLI).append(" produce ./my-images --tag mine").append(connect).append('\n');
    b.append("\nPress Ctrl-C to stop (the service, the registry and Kafka shut down in that order).\n");
    return b.toString();
  }

  private static String rule() {
    return "  " + "=".repeat(72) + "\n";
  }

  private static void row(StringBuilder b, String label, String value) {
    b.append(String.format("  %-17s %s%n", label, value));
  }

  private static List<List<String>> topicRows(TopicNames t) {
    return List.of(List.of("uploaded", t.uploaded()), List.of("embedded", t.embedded()),
        List.of("near-duplicates", t.nearDuplicates()), List.of("recommendations", t.recommendations()),
        List.of("dead-letter", t.deadLetter()));
  }

  private static String samples(Info info) {
    return switch (info.samples()) {
      case NONE -> "No sample images (--no-samples); publish your own with produce, below.\n";
      case EARLIER -> "Sample images sample-00 ... are in the data dir from an earlier run.\n";
      case PUBLISHED -> "Published " + info.sampleCount() + " sample images: sample-00 ... sample-" + String.format("%02d", SampleImages.SCENES - 1)
        + ", near-duplicates of half of them\n(sample-00-resized, sample-01-jpeg, sample-02-cropped, ...)"
        + " and an exact copy, sample-00-copy.\n";
    };
  }

  private static String exampleId(Info info) {
    return info.samples() == Samples.NONE ? "IMAGE_ID" : SampleImages.EXAMPLE_ID;
  }

  /** {@code options}: what curl needs besides, e.g. {@code --cacert} for a self-signed certificate and a key header. */
  static List<String> curlExamples(String httpUrl, String id, String options) {
    String api = httpUrl + "/v1";
    String curl = "curl -s" + options + " ";
    return List.of(
        curl + api + "/images/" + id,
        curl + api + "/images/" + id + "/duplicates",
        curl + api + "/images/" + id + "/similar",
        curl + api + "/search -H 'content-type: application/json' \\",
        "     -d '{\"nearObject\": {\"id\": \"" + id + "\"}, \"limit\": 5}'");
  }
}
