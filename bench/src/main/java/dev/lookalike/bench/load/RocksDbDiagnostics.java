package dev.lookalike.bench.load;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;

/**
 * For a diagnostic load run: RocksDB's own log at info level, with its statistics (compactions,
 * write stalls) dumped every 10 s, in each store's {@code LOG} file under the state directory.
 * Kafka Streams keeps that log at error level, which hides whether a store's writes were stalled
 * by compaction. Use with {@code --set kafka.rocksdb.config.setter=}this class.
 */
public final class RocksDbDiagnostics implements RocksDBConfigSetter {

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    options.setInfoLogLevel(InfoLogLevel.INFO_LEVEL);
    options.setStatsDumpPeriodSec(10);
  }

  @Override
  public void close(String storeName, Options options) {}
}
