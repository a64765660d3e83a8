package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.avro.internal.MatchType;
import dev.lookalike.avro.internal.Neighbor;
import dev.lookalike.avro.internal.NeighborState;
import dev.lookalike.config.VectorConfig;
import dev.lookalike.topology.store.PairOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Last step of the match stage, on the asking image's home partition: merges each partition's
 * answer into the image's list, reports the pairs in which it is the later image, and publishes
 * its recommendations once every partition has answered (and whenever they change after that).
 */
public final class PartialsProcessor implements Processor<String, MatchPartial, String, SpecificRecord> {

  private final List<VectorConfig> vectorConfigs;
  private final Clock clock;
  private final Map<String, NeighborBook> books = new LinkedHashMap<>();

  public PartialsProcessor(List<VectorConfig> vectorConfigs, Clock clock) {
    this.vectorConfigs = vectorConfigs;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    for (VectorConfig v : vectorConfigs) books.put(v.name(), new NeighborBook(v, context, clock));
  }

  @Override
  public void process(Record<String, MatchPartial> record) {
    MatchPartial partial = record.value();
    NeighborBook book = books.get(partial.getVectorName());
    if (book == null) return;
    NeighborState state = book.get(partial.getImageId());
    if (state == null || state.getVersion() != partial.getVersion()) return; // deleted or replaced meanwhile
    book.offer(state, partial.getHits());
    for (Neighbor hit : partial.getHits()) {
      boolean askingIsLater = PairOrder.compare(state.getUploadedAt(), state.getImageId(), hit.getUploadedAt(), hit.getImageId()) > 0;
      if (askingIsLater) book.reportDuplicate(state, hit, record);
    }
    if (partial.getType() == MatchType.QUERY && state.getPendingPartitions().contains(partial.getFromPartition())) {
      List<Integer> pending = new ArrayList<>(state.getPendingPartitions());
      pending.remove(Integer.valueOf(partial.getFromPartition()));
      state.setPendingPartitions(pending);
    }
    book.publishIfChanged(state, record);
    book.put(state);
  }
}
