package dev.lookalike.server.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.avro.internal.ImageStatus;
import dev.lookalike.avro.internal.Thumbnail;
import dev.lookalike.avro.internal.VectorEntry;
import dev.lookalike.serde.AvroBinarySerde;
import dev.lookalike.server.query.InternalJson;
import dev.lookalike.server.query.KnnRequest;
import dev.lookalike.server.query.PeerClient;
import dev.lookalike.topology.Names;
import dev.lookalike.topology.store.ScoredImage;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The instance-to-instance API under /internal/v1: answers only from local state, never
 * forwards, so a query crosses at most one hop.
 */
final class InternalRoutes {

  private static final ObjectMapper JSON = InternalJson.mapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Api api;

  InternalRoutes(Api api) {
    this.api = api;
  }

  void lookup(Context ctx) {
    String store = ctx.pathParam("store");
    int partition = Requests.parseInt("partition", ctx.queryParam("partition"));
    boolean active = !"false".equals(ctx.queryParam("active"));
    Optional<? extends SpecificRecord> value = api.cluster().local().lookup(store, ctx.pathParam("key"), partition, active);
    if (value.isEmpty()) throw ApiException.notFound("no such key");
    ctx.contentType(PeerClient.AVRO.toString()).result(serialize(store, value.get()));
  }

  void knn(Context ctx) throws java.io.IOException {
    KnnRequest request;
    try {
      request = JSON.readValue(ctx.bodyAsBytes(), KnnRequest.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw ApiException.badRequest("malformed internal k-NN request");
    }
    if (request == null || request.store() == null || request.vector() == null || request.filter() == null || request.partitions() == null) {
      throw ApiException.badRequest("malformed internal k-NN request");
    }
    List<ScoredImage> hits = api.cluster().local()
        .search(request.store(), request.vector(), request.filter(), request.k(), request.partitions());
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(new KnnRequest.Response(hits)));
  }

  @SuppressWarnings("unchecked")
  private static byte[] serialize(String store, SpecificRecord value) {
    if (store.equals(Names.IMAGE_STATUS_STORE)) return AvroBinarySerde.of(ImageStatus.class).serialize(store, (ImageStatus) value);
    if (store.equals(Names.CONTENT_THUMBNAILS_STORE)) return AvroBinarySerde.of(Thumbnail.class).serialize(store, (Thumbnail) value);
    return AvroBinarySerde.of(VectorEntry.class).serialize(store, (VectorEntry) value);
  }
}
