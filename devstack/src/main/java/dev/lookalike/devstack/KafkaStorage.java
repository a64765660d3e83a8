package dev.lookalike.devstack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/** Formats a KRaft log dir the way {@code kafka-storage format} does. */
final class KafkaStorage {
    private KafkaStorage() {
    }

    /** Formats {@code dir} for a new cluster, unless it already holds one (dev mode restarts). */
    static void formatIfNeeded(Path dir, int nodeId, String controllerListener) {
        if (Files.exists(dir.resolve("meta.properties"))) return;
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(Uuid.randomUuid().toString())
                    .addDirectory(dir.toAbsolutePath().toString())
                    .setControllerListenerName(controllerListener)
                    // Spelled out rather than left to defaults: the latest *production* metadata
                    // version, and every production feature (transaction.version, group.version,
                    // streams.version, ...) at its default level for that version. Unstable
                    // versions or features left at level 0 break transactions and Streams.
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + dir, e);
        }
    }
}
