package dev.lookalike.topology.embed;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.avro.internal.ContentCacheEntry;
import dev.lookalike.avro.internal.ContentRequest;
import dev.lookalike.avro.internal.ContentResult;
import dev.lookalike.avro.internal.Thumbnail;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageLoadException;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.deadletter.DeadLetters;
import dev.lookalike.topology.deadletter.ErrorCodes;
import dev.lookalike.topology.metrics.LogContext;
import dev.lookalike.topology.metrics.TopologyMetrics;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content stage, partitioned by content hash: decodes the image and runs every embedder,
 * unless the same bytes were embedded before (then the cached vectors are reused and no model
 * is called). Also keeps a small JPEG thumbnail per distinct content (content-thumbnails store,
 * same key and partition as the cache), which the HTTP API finds through the image's content hash.
 * Answers with a {@link ContentResult} keyed by image id.
 */
public final class ContentProcessor implements Processor<String, ContentRequest, String, ContentResult> {

  private static final Logger log = LoggerFactory.getLogger(ContentProcessor.class);

  private final TopologyServices services;
  private final Deserializer<ImageUploaded> uploads;
  private final Map<String, Timer> embedTimers;
  private final int deadLetterLimit;
  private ProcessorContext<String, ContentResult> context;
  private KeyValueStore<String, ContentCacheEntry> cache;
  private KeyValueStore<String, Thumbnail> thumbnails;

  public ContentProcessor(TopologyServices services, Deserializer<ImageUploaded> uploads, TopologyMetrics metrics,
                          int deadLetterLimit) {
    this.services = services;
    this.uploads = uploads;
    this.deadLetterLimit = deadLetterLimit;
    this.embedTimers = services.embedders().stream()
        .collect(Collectors.toUnmodifiableMap(Embedder::name, e -> metrics.embedding(e.name()), (a, b) -> a));
  }

  @Override
  public void init(ProcessorContext<String, ContentResult> context) {
    this.context = context;
    this.cache = context.getStateStore(Names.CONTENT_CACHE_STORE);
    this.thumbnails = context.getStateStore(Names.CONTENT_THUMBNAILS_STORE);
  }

  @Override
  public void process(Record<String, ContentRequest> record) {
    LogContext.imageId(record.value().getImageId());
    try {
      processRequest(record);
    } finally {
      LogContext.clear();
    }
  }

  private void processRequest(Record<String, ContentRequest> record) {
    ContentRequest request = record.value();
    ContentResult.Builder result = ContentResult.newBuilder()
        .setImageId(request.getImageId())
        .setToken(request.getToken())
        .setSourceTopic(request.getSourceTopic())
        .setSourcePartition(request.getSourcePartition())
        .setSourceOffset(request.getSourceOffset());
    ImageUploaded upload = uploads.deserialize(request.getSourceTopic(), UploadProcessor.toArray(request.getOriginalValue()));
    LogContext.tenant(upload.getTenant());
    try {
      ContentCacheEntry content = vectorsOf(request, upload);
      result.setEmbedded(embedded(upload, request.getContentHash(), content));
    } catch (ImageLoadException e) {
      fail(result, request, e.code().name(), e.getMessage(), e.retriable());
    } catch (ProviderException e) {
      // A hosted API that is down or rate-limited: a retriable dead letter, replayable later.
      fail(result, request, e.code().name(), e.getMessage(), e.retriable());
    } catch (RuntimeException e) {
      fail(result, request, ErrorCodes.EMBEDDING_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
    }
    context.forward(record.withKey(request.getImageId()).withValue(result.build()));
  }

  /** Cached vectors of this content, computing (and caching) whichever are missing, and its thumbnail. */
  private ContentCacheEntry vectorsOf(ContentRequest request, ImageUploaded upload) {
    String hash = request.getContentHash();
    String cacheKey = cacheKey(upload.getTenant(), hash);
    ContentCacheEntry cached = cache.get(cacheKey);
    Map<String, NamedVector> have = cached == null ? Map.of()
        : cached.getVectors().stream().collect(Collectors.toMap(NamedVector::getName, Function.identity(), (a, b) -> a));
    List<Embedder> missing = services.embedders().stream()
        .filter(e -> !have.containsKey(e.name()) || !have.get(e.name()).getModel().equals(e.modelId()))
        .toList();
    if (missing.isEmpty()) {
      // Content cached before thumbnails existed: make one now, but never fail a cached embedding over it.
      if (thumbnails.get(hash) == null) {
        try {
          storeThumbnail(hash, decode(request, upload));
        } catch (RuntimeException e) {
          log.warn("no thumbnail for content {} of {}: {}", hash, request.getImageId(), e.toString());
        }
      }
      return cached;
    }
    DecodedImage image = decode(request, upload);
    List<NamedVector> vectors = new ArrayList<>();
    for (Embedder embedder : services.embedders()) {
      NamedVector known = have.get(embedder.name());
      vectors.add(missing.contains(embedder) ? embed(embedder, image) : known);
    }
    ContentCacheEntry entry = new ContentCacheEntry(vectors, image.width(), image.height(), image.format());
    cache.put(cacheKey, entry);
    if (thumbnails.get(hash) == null) {
      try {
        storeThumbnail(hash, image);
      } catch (RuntimeException e) {
        log.warn("no thumbnail for content {} of {}: {}", hash, request.getImageId(), e.toString());
      }
    }
    return entry;
  }

  /**
   * Cached vectors are per tenant: shared across tenants, how fast an upload was embedded (or
   * whether it was during a provider outage) told a tenant whether another had uploaded the same
   * bytes. The hash is 64 hex digits at the end, so the key is unambiguous whatever the tenant.
   * Thumbnails stay shared by content: they are only served for an image the caller may see.
   */
  static String cacheKey(String tenant, String contentHash) {
    return tenant + "/" + contentHash;
  }

  private DecodedImage decode(ContentRequest request, ImageUploaded upload) {
    byte[] bytes = request.getFetched() != null ? UploadProcessor.toArray(request.getFetched())
        : UploadProcessor.toArray(upload.getSource().getData());
    return services.decoder().decode(bytes);
  }

  private void storeThumbnail(String hash, DecodedImage image) {
    thumbnails.put(hash, Thumbnails.of(image.image()));
  }

  private NamedVector embed(Embedder embedder, DecodedImage image) {
    // Failed calls are timed too: a provider timing out is exactly what the histogram should show.
    Timer.Sample sample = Timer.start();
    float[] v;
    try {
      v = embedder.embed(image);
    } finally {
      sample.stop(embedTimers.get(embedder.name()));
    }
    List<Float> boxed = new ArrayList<>(v.length);
    for (float x : v) boxed.add(x);
    return new NamedVector(embedder.name(), embedder.modelId(), v.length, boxed);
  }

  private static ImageEmbedded embedded(ImageUploaded upload, String hash, ContentCacheEntry content) {
    return ImageEmbedded.newBuilder()
        .setImageId(upload.getImageId())
        .setTenant(upload.getTenant())
        .setVectors(content.getVectors())
        .setContentHash(hash)
        .setWidth(content.getWidth())
        .setHeight(content.getHeight())
        .setFormat(content.getFormat())
        .setTags(upload.getTags())
        .setAttributes(upload.getAttributes())
        .setUploadedAt(upload.getUploadedAt())
        .build();
  }

  /**
   * A failure travels back to the image's partition with the original event for its dead letter,
   * unless the dead letter could not hold it anyway: then it is not carried (the result would be as
   * large and as unwritable) and the message says why.
   */
  private void fail(ContentResult.Builder result, ContentRequest request, String code, String message, boolean retriable) {
    String text = DeadLetters.truncate(message == null ? code : message);
    int size = request.getOriginalValue().remaining();
    long room = DeadLetters.originalRoom(deadLetterLimit, request.getImageId());
    if (size <= room) {
      result.setOriginalValue(request.getOriginalValue());
    } else {
      text = DeadLetters.withNote(text, DeadLetters.notKept(size, room));
    }
    result.setErrorCode(code).setErrorMessage(text).setRetriable(retriable);
  }
}
