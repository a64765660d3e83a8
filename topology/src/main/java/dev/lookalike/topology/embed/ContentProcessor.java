package dev.lookalike.topology.embed;

import dev.lookalike.avro.ImageEmbedded;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.avro.NamedVector;
import dev.lookalike.avro.internal.ContentCacheEntry;
import dev.lookalike.avro.internal.ContentRequest;
import dev.lookalike.avro.internal.ContentResult;
import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.image.ImageLoadException;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.deadletter.ErrorCodes;
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

/**
 * The content stage, partitioned by content hash: decodes the image and runs every embedder,
 * unless the same bytes were embedded before (then the cached vectors are reused and no model
 * is called). Answers with a {@link ContentResult} keyed by image id.
 */
public final class ContentProcessor implements Processor<String, ContentRequest, String, ContentResult> {

  private final TopologyServices services;
  private final Deserializer<ImageUploaded> uploads;
  private ProcessorContext<String, ContentResult> context;
  private KeyValueStore<String, ContentCacheEntry> cache;

  public ContentProcessor(TopologyServices services, Deserializer<ImageUploaded> uploads) {
    this.services = services;
    this.uploads = uploads;
  }

  @Override
  public void init(ProcessorContext<String, ContentResult> context) {
    this.context = context;
    this.cache = context.getStateStore(Names.CONTENT_CACHE_STORE);
  }

  @Override
  public void process(Record<String, ContentRequest> record) {
    ContentRequest request = record.value();
    ContentResult.Builder result = ContentResult.newBuilder()
        .setImageId(request.getImageId())
        .setToken(request.getToken())
        .setSourceTopic(request.getSourceTopic())
        .setSourcePartition(request.getSourcePartition())
        .setSourceOffset(request.getSourceOffset());
    ImageUploaded upload = uploads.deserialize(request.getSourceTopic(), UploadProcessor.toArray(request.getOriginalValue()));
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

  /** Cached vectors of this content, computing (and caching) whichever are missing. */
  private ContentCacheEntry vectorsOf(ContentRequest request, ImageUploaded upload) {
    String hash = request.getContentHash();
    ContentCacheEntry cached = cache.get(hash);
    Map<String, NamedVector> have = cached == null ? Map.of()
        : cached.getVectors().stream().collect(Collectors.toMap(NamedVector::getName, Function.identity(), (a, b) -> a));
    List<Embedder> missing = services.embedders().stream()
        .filter(e -> !have.containsKey(e.name()) || !have.get(e.name()).getModel().equals(e.modelId()))
        .toList();
    if (missing.isEmpty()) return cached;
    byte[] bytes = request.getFetched() != null ? UploadProcessor.toArray(request.getFetched())
        : UploadProcessor.toArray(upload.getSource().getData());
    DecodedImage image = services.decoder().decode(bytes);
    List<NamedVector> vectors = new ArrayList<>();
    for (Embedder embedder : services.embedders()) {
      NamedVector known = have.get(embedder.name());
      vectors.add(missing.contains(embedder) ? embed(embedder, image) : known);
    }
    ContentCacheEntry entry = new ContentCacheEntry(vectors, image.width(), image.height(), image.format());
    cache.put(hash, entry);
    return entry;
  }

  private static NamedVector embed(Embedder embedder, DecodedImage image) {
    float[] v = embedder.embed(image);
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

  private static void fail(ContentResult.Builder result, ContentRequest request, String code, String message, boolean retriable) {
    result.setErrorCode(code).setErrorMessage(message).setRetriable(retriable).setOriginalValue(request.getOriginalValue());
  }
}
