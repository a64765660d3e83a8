package dev.lookalike.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) running inside this JVM,
 * for dev mode and integration tests. It listens on 127.0.0.1 only, supports exactly-once
 * transactions, and is formatted with the production metadata version and the production
 * default level of every feature, exactly as {@code kafka-storage format} would.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How to start the broker.
     *
     * @param dataDir           where the log lives; {@code null} for a temp dir deleted on close.
     *                          A given dir is kept, and reused if it was formatted before.
     * @param port              the client port; 0 picks a free one
     * @param defaultPartitions {@code num.partitions} for topics created without a count
     * @param brokerConfig      extra broker properties, applied last
     */
    public record Options(Path dataDir, int port, int defaultPartitions, Map<String, String> brokerConfig) {
        public Options {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
            if (defaultPartitions < 1) throw new IllegalArgumentException("defaultPartitions must be >= 1");
            brokerConfig = Map.copyOf(brokerConfig);
        }

        public static Options defaults() {
            return new Options(null, 0, 1, Map.of());
        }

        public Options withDataDir(Path dir) {
            return new Options(dir, port, defaultPartitions, brokerConfig);
        }

        public Options withPort(int newPort) {
            return new Options(dataDir, newPort, defaultPartitions, brokerConfig);
        }

        public Options withDefaultPartitions(int partitions) {
            return new Options(dataDir, port, partitions, brokerConfig);
        }

        public Options withBrokerConfig(String key, String value) {
            Map<String, String> merged = new HashMap<>(brokerConfig);
            merged.put(key, value);
            return new Options(dataDir, port, defaultPartitions, merged);
        }
    }

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final Admin admin;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean deleteOnClose,
                          String bootstrapServers, Duration startupTime, Admin admin) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.bootstrapServers = bootstrapServers;
        this.startupTime = startupTime;
        this.admin = admin;
    }

    public static EmbeddedKafka start() {
        return start(Options.defaults());
    }

    public static EmbeddedKafka start(Options options) {
        long t0 = System.nanoTime();
        boolean tempDir = options.dataDir() == null;
        Path dir = tempDir ? Dirs.createTemp("lookalike-kafka-") : Dirs.create(options.dataDir());
        int port = options.port() == 0 ? FreePorts.find() : options.port();
        int controllerPort = FreePorts.find();
        String bootstrap = "127.0.0.1:" + port;

        KafkaRaftServer server = null;
        Admin admin = null;
        try {
            KafkaConfig config = new KafkaConfig(brokerProperties(options, dir, port, controllerPort), false);
            KafkaStorage.formatIfNeeded(dir, NODE_ID, CONTROLLER_LISTENER);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            // Returns once the broker has caught up with the metadata log and is unfenced,
            // so clients can use it right away.
            server.startup();
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        } catch (RuntimeException | Error e) {
            stopQuietly(server, admin);
            if (tempDir) Dirs.deleteRecursively(dir);
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Embedded Kafka ready at {} in {} ms (data in {})", bootstrap, took.toMillis(), dir);
        return new EmbeddedKafka(server, dir, tempDir, bootstrap, took, admin);
    }

    static Map<String, String> brokerProperties(Options options, Path dir, int port, int controllerPort) {
        Map<String, String> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // A static one-voter quorum: the controller elects itself immediately on start.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.toAbsolutePath().toString());

        // One broker: every internal topic must live with a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer coordinator partitions than the default 50 make the first group join and the
        // first transaction much faster; nothing here needs that much coordinator parallelism.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");

        // Tests and dev mode want the first rebalance now, not after the 3 s production delay.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are part of the app's contract: a typo must fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", String.valueOf(options.defaultPartitions()));
        // The log cleaner allocates its dedupe buffer eagerly (128 MiB by default); compacted
        // topics in dev and tests are tiny.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.putAll(options.brokerConfig());
        return p;
    }

    /** The client bootstrap address, {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Wall time from {@link #start} until the broker accepted client requests. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader,
     * so a producer or consumer started right after does not race the metadata propagation.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs == null ? Map.of() : configs);
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!Poll.until(ADMIN_TIMEOUT, () -> allPartitionsLed(name))) {
                throw new IllegalStateException("Partitions of " + name + " got no leader within " + ADMIN_TIMEOUT);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }

    private boolean allPartitionsLed(String name) {
        try {
            TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
            return description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            return false; // not yet in this broker's metadata cache
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An admin client connected to this broker, for tests; closed with the broker, do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Stops the broker, waits until it is down, and deletes the data dir if it was a temp dir. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        long t0 = System.nanoTime();
        stopQuietly(server, admin);
        if (deleteOnClose) Dirs.deleteRecursively(dataDir);
        log.info("Embedded Kafka at {} stopped in {} ms", bootstrapServers, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void stopQuietly(KafkaRaftServer server, Admin admin) {
        if (admin != null) admin.close(Duration.ofSeconds(5));
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }
}
