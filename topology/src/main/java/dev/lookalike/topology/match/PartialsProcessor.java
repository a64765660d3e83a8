package dev.lookalike.topology.match;

import dev.lookalike.avro.internal.MatchPartial;
import dev.lookalike.config.VectorConfig;
import java.time.Clock;
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
    if (book != null) book.applyPartial(partial, record);
  }
}
