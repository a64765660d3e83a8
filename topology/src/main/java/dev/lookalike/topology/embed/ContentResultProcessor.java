package dev.lookalike.topology.embed;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.internal.ContentResult;
import dev.lookalike.avro.internal.ImageState;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.deadletter.DeadLetters;
import dev.lookalike.topology.metrics.LogContext;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last step of the embed stage, back on the image's partition: publishes the embedded image (or
 * its dead letter) only if it is still the image's latest version. Because uploads, deletes and
 * results of one image all meet here, a delete can never be overtaken by an older upload.
 */
public final class ContentResultProcessor implements Processor<String, ContentResult, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(ContentResultProcessor.class);

  private final TopologyServices services;
  private final int deadLetterLimit;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, ImageStatus> status;

  public ContentResultProcessor(TopologyServices services, int deadLetterLimit) {
    this.services = services;
    this.deadLetterLimit = deadLetterLimit;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.status = context.getStateStore(Names.IMAGE_STATUS_STORE);
  }

  @Override
  public void process(Record<String, ContentResult> record) {
    LogContext.imageId(record.value().getImageId());
    try {
      processResult(record);
    } finally {
      LogContext.clear();
    }
  }

  private void processResult(Record<String, ContentResult> record) {
    ContentResult result = record.value();
    ImageStatus current = status.get(result.getImageId());
    if (current == null || current.getToken() != result.getToken() || current.getState() != ImageState.PENDING) {
      log.debug("dropping stale result for {} (token {})", result.getImageId(), result.getToken());
      return;
    }
    LogContext.tenant(current.getTenant());
    long now = services.clock().millis();
    if (result.getEmbedded() != null) {
      current.setState(ImageState.EMBEDDED);
      current.setUpdatedAt(now);
      status.put(result.getImageId(), current);
      context.forward(record.<SpecificRecord>withValue(result.getEmbedded()), Names.EMBEDDED_SINK);
      return;
    }
    current.setState(ImageState.FAILED);
    current.setErrorCode(result.getErrorCode());
    current.setMessage(result.getErrorMessage());
    current.setUpdatedAt(now);
    status.put(result.getImageId(), current);
    byte[] original = result.getOriginalValue() == null ? null : UploadProcessor.toArray(result.getOriginalValue());
    DeadLetter letter = DeadLetters.of(result.getSourceTopic(), result.getSourcePartition(), result.getSourceOffset(),
        result.getImageId(), result.getErrorCode(), result.getErrorMessage(), result.getRetriable(), original, deadLetterLimit, services.clock());
    log.info("dead letter {} for {}: {}", result.getErrorCode(), result.getImageId(), result.getErrorMessage());
    context.forward(record.<SpecificRecord>withValue(letter), Names.DEAD_LETTER_SINK);
  }
}
