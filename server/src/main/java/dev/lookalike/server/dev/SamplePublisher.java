package dev.lookalike.server.dev;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.server.cli.UploadEvents;
import dev.lookalike.server.cli.UploadProducer;
import dev.lookalike.server.dev.SampleImages.Sample;
import java.time.Instant;
import java.util.List;

/** Publishes the sample images to the uploaded topic, as any producer would. */
final class SamplePublisher {

  static final String TENANT = "default";

  private SamplePublisher() {}

  /** @return how many were published; throws if any send failed */
  static int publish(LookalikeConfig config, List<Sample> samples) {
    // Upload times one millisecond apart keep "the later image is the duplicate" deterministic.
    Instant first = Instant.now();
    try (UploadProducer producer = UploadProducer.create(config, "lookalike-dev-samples", () -> {})) {
      for (int i = 0; i < samples.size(); i++) {
        Sample s = samples.get(i);
        var metadata = new UploadEvents.Metadata(TENANT, s.tags(), s.attributes());
        producer.send(UploadEvents.inline(s.id(), s.bytes(), s.contentType(), metadata, first.plusMillis(i)));
      }
      UploadProducer.Summary summary = producer.finish();
      if (summary.failed() > 0) {
        throw new IllegalStateException("Could not publish the sample images (" + summary + "): "
            + summary.failures().get(0).message());
      }
      return summary.sent();
    }
  }
}
