package dev.lookalike.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Every setting of the service, typed and documented in Kafka's {@link ConfigDef} style.
 *
 * <p>Precedence, lowest first: the defaults below, then a properties file, then environment
 * variables ({@code LOOKALIKE_} + the key upper-cased with dots and dashes as underscores, e.g.
 * {@code LOOKALIKE_BOOTSTRAP_SERVERS}). Per-vector settings live under {@code vector.<name>.}
 * (see {@link VectorConfig}); anything under {@code kafka.} is passed to the Kafka clients as is.
 */
public final class LookalikeConfig extends AbstractConfig {

  public static final String ENV_PREFIX = "LOOKALIKE_";
  public static final String KAFKA_PREFIX = "kafka.";
  public static final String VECTOR_PREFIX = "vector.";

  public static final String APPLICATION_ID = "application.id";
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String SCHEMA_REGISTRY_AUTO_REGISTER = "schema.registry.auto.register";
  public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String TOPIC_UPLOADED = "topic.uploaded";
  public static final String TOPIC_EMBEDDED = "topic.embedded";
  public static final String TOPIC_NEAR_DUPLICATES = "topic.near-duplicates";
  public static final String TOPIC_RECOMMENDATIONS = "topic.recommendations";
  public static final String TOPIC_DEAD_LETTER = "topic.dead-letter";
  public static final String TOPICS_CREATE = "topics.create";
  public static final String TOPICS_PARTITIONS = "topics.partitions";
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
  public static final String STATE_DIR = "state.dir";
  public static final String NUM_STREAM_THREADS = "num.stream.threads";
  public static final String NUM_STANDBY_REPLICAS = "num.standby.replicas";
  public static final String PROCESSING_GUARANTEE = "processing.guarantee";
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String ADVERTISED_HOST = "http.advertised.host";
  public static final String HTTP_TLS_CERTIFICATE = "http.tls.certificate";
  public static final String HTTP_TLS_PRIVATE_KEY = "http.tls.private.key";
  public static final String HTTP_TLS_KEYSTORE = "http.tls.keystore";
  public static final String HTTP_TLS_KEYSTORE_PASSWORD = "http.tls.keystore.password";
  public static final String HTTP_TLS_RELOAD_INTERVAL_MS = "http.tls.reload.interval.ms";
  public static final String VECTORS = "vectors";
  public static final String FETCH_CONNECT_TIMEOUT_MS = "fetch.connect.timeout.ms";
  public static final String FETCH_READ_TIMEOUT_MS = "fetch.read.timeout.ms";
  public static final String FETCH_TOTAL_TIMEOUT_MS = "fetch.total.timeout.ms";
  public static final String FETCH_MAX_REDIRECTS = "fetch.max.redirects";
  public static final String FETCH_RETRIES = "fetch.retries";
  public static final String FETCH_RETRY_BACKOFF_MS = "fetch.retry.backoff.ms";
  public static final String FETCH_RETRY_BACKOFF_MAX_MS = "fetch.retry.backoff.max.ms";
  public static final String FETCH_ALLOW_PRIVATE_NETWORKS = "fetch.allow.private.networks";
  public static final String FETCH_ALLOWED_HOSTS = "fetch.allowed.hosts";
  public static final String IMAGE_MAX_BYTES = "image.max.bytes";
  public static final String IMAGE_MAX_PIXELS = "image.max.pixels";
  public static final String QUERY_TIMEOUT_MS = "query.timeout.ms";
  public static final String AUTH_API_KEYS = "auth.api.keys";
  public static final String AUTH_PEER_SECRET = "auth.peer.secret";
  public static final String AUTH_METRICS_KEYS = "auth.metrics.keys";
  public static final String RATE_LIMIT = "auth.rate.limit.per.second";
  public static final String RATE_BURST = "auth.rate.limit.burst";
  public static final String HTTP_MAX_CONCURRENT_EMBEDS = "http.max.concurrent.embeds";
  public static final String HTTP_MAX_CONCURRENT_FETCHES = "http.max.concurrent.fetches";
  public static final String HTTP_MAX_LIVE_CLIENTS_PER_TENANT = "http.max.live.clients.per.tenant";
  public static final String HTTP_MAX_SHARE_PER_TENANT = "http.max.share.per.tenant";
  public static final String LOG_LEVEL = "log.level";
  public static final String MATCH_DELETED_RETENTION_MS = "match.deleted.retention.ms";

  /** -1 (keep forever) or at least 60,000 ms. */
  private static final ConfigDef.Validator KEEP_FOREVER_OR_AT_LEAST_A_MINUTE = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      long ms = (Long) value;
      if (ms != -1 && ms < 60_000) throw new ConfigException(name, value, "must be -1 (forever) or at least 60000 ms");
    }

    @Override
    public String toString() {
      return "-1 or [60000,...]";
    }
  };

  /** Empty, or user:password; the refusal does not show the value, a secret. */
  private static final ConfigDef.Validator USER_INFO = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      String text = value == null ? "" : ((Password) value).value();
      if (!text.isEmpty() && text.indexOf(':') < 0) throw new ConfigException(name, "[hidden]", "must be user:password");
    }

    @Override
    public String toString() {
      return "empty or user:password";
    }
  };

  /** What {@code lookalike dev} serves: Apicurio's Confluent-compatible API on port 8081. */
  public static final String DEFAULT_SCHEMA_REGISTRY_URL = "http://localhost:8081/apis/ccompat/v7";

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(APPLICATION_ID, Type.STRING, "lookalike", Importance.HIGH,
          "Kafka Streams application id: consumer group, prefix of internal topics and state directories. Instances with the same id share the work.")
      .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH,
          "Kafka bootstrap servers.")
      .define(SCHEMA_REGISTRY_URL, Type.STRING, DEFAULT_SCHEMA_REGISTRY_URL, Importance.HIGH,
          "Base URL of a Confluent-compatible schema registry. The default is the one lookalike dev runs (Apicurio: "
              + "http://host:port/apis/ccompat/v7); a Confluent Schema Registry is http://host:8081.")
      .define(SCHEMA_REGISTRY_USER_INFO, Type.PASSWORD, "", USER_INFO, Importance.MEDIUM,
          "HTTP basic auth for the schema registry, as user:password (Confluent's basic.auth.user.info; on Confluent "
              + "Cloud the API key and secret), e.g. from LOOKALIKE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO. Empty: none.")
      .define(SCHEMA_REGISTRY_AUTO_REGISTER, Type.BOOLEAN, true, Importance.MEDIUM,
          "Register the output schemas under <topic>-value on first use; when false they must already be registered.")
      .define(TOPIC_UPLOADED, Type.STRING, "images.uploaded", Importance.MEDIUM, "Input topic of ImageUploaded events (key: image id).")
      .define(TOPIC_EMBEDDED, Type.STRING, "images.embedded", Importance.MEDIUM, "Compacted topic of ImageEmbedded events, the source of truth of the vector stores.")
      .define(TOPIC_NEAR_DUPLICATES, Type.STRING, "images.near-duplicates", Importance.MEDIUM, "Output topic of NearDuplicateDetected events.")
      .define(TOPIC_RECOMMENDATIONS, Type.STRING, "images.recommendations", Importance.MEDIUM, "Compacted output topic of Recommendations events.")
      .define(TOPIC_DEAD_LETTER, Type.STRING, "images.dead-letter", Importance.MEDIUM, "Topic of DeadLetter events: everything that could not be processed, with the reason.")
      .define(TOPICS_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
          "Create missing topics at startup (input, output and internal) with topics.partitions partitions.")
      .define(TOPICS_PARTITIONS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM,
          "Partitions of topics the service creates. Existing topics keep theirs; images.uploaded and images.embedded must have the same count.")
      .define(TOPICS_REPLICATION_FACTOR, Type.INT, -1, Range.between(-1, Short.MAX_VALUE), Importance.MEDIUM,
          "Replication factor of topics the service creates (-1: the broker default).")
      .define(STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/lookalike-state", Importance.MEDIUM,
          "Directory of the local state stores and vector-index snapshots. Give a persistent one in production "
              + "(the Docker image uses /var/lib/lookalike): under /tmp the OS may clear it, and a restart then restores every "
              + "store from its changelog and rebuilds the vector index vector by vector; Kafka Streams warns about it at start.")
      .define(NUM_STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Stream threads per instance.")
      .define(NUM_STANDBY_REPLICAS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
          "Standby replicas of every state store, for fast failover.")
      .define(PROCESSING_GUARANTEE, Type.STRING, "exactly_once_v2", ConfigDef.ValidString.in("exactly_once_v2", "at_least_once"), Importance.MEDIUM,
          "Kafka Streams processing guarantee.")
      .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
          "How often results are committed; with exactly-once this bounds the latency of output events.")
      .define(HTTP_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Interface the HTTP server binds to (0.0.0.0 for all).")
      .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM, "HTTP port (0: any free port).")
      .define(ADVERTISED_HOST, Type.STRING, "", Importance.LOW,
          "Host name other instances use to reach this one (application.server); empty: http.host, or the local host name when binding 0.0.0.0.")
      .define(HTTP_TLS_CERTIFICATE, Type.STRING, "", Importance.MEDIUM,
          "PEM file with the HTTP API's certificate chain, the server's own first. With it and http.tls.private.key (or "
              + "http.tls.keystore instead) the API serves HTTPS only, on http.port, and instances call each other over "
              + "HTTPS: the certificate must then name every instance's http.advertised.host. Empty: plain HTTP.")
      .define(HTTP_TLS_PRIVATE_KEY, Type.STRING, "", Importance.MEDIUM,
          "PEM file with the certificate's private key, unencrypted PKCS#8 (BEGIN PRIVATE KEY); convert another form with "
              + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem. Keep the file readable by the service only.")
      .define(HTTP_TLS_KEYSTORE, Type.STRING, "", Importance.MEDIUM,
          "PKCS#12 file with the private key and its certificate chain, instead of the two PEM files.")
      .define(HTTP_TLS_KEYSTORE_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM,
          "Password of http.tls.keystore (and of its key), e.g. from LOOKALIKE_HTTP_TLS_KEYSTORE_PASSWORD.")
      .define(HTTP_TLS_RELOAD_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
          "How often the certificate and key files are read for a renewal (cert-manager, certbot): a changed pair that "
              + "checks out is served to new connections and trusted for calls between instances; one that does not is "
              + "logged and the old one kept. 0: read at start only.")
      .define(VECTORS, Type.LIST, "perceptual", Importance.HIGH,
          "Named vectors to compute for every image; each has its own store, thresholds and k under vector.<name>.*")
      .define(FETCH_CONNECT_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW, "Connect timeout for image URLs.")
      .define(FETCH_READ_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW, "Read timeout for image URLs.")
      .define(FETCH_TOTAL_TIMEOUT_MS, Type.LONG, 20_000L, Range.atLeast(1), Importance.LOW, "Whole-download deadline for image URLs, redirects and retries included.")
      .define(FETCH_MAX_REDIRECTS, Type.INT, 3, Range.atLeast(0), Importance.LOW, "Redirects followed for image URLs; every hop is checked again.")
      .define(FETCH_RETRIES, Type.INT, 2, Range.between(0, 10), Importance.LOW,
          "Retries of an image URL after a failure that may pass (connection reset or refused, timeout, HTTP 408, 429, 5xx), "
              + "within fetch.total.timeout.ms; then a dead letter marked retriable. Other failures are never retried.")
      .define(FETCH_RETRY_BACKOFF_MS, Type.LONG, 200L, Range.atLeast(0), Importance.LOW,
          "Wait before the first retry of an image URL; doubled for each next one, up to fetch.retry.backoff.max.ms.")
      .define(FETCH_RETRY_BACKOFF_MAX_MS, Type.LONG, 2_000L, Range.atLeast(0), Importance.LOW,
          "Longest wait before one retry of an image URL. A Retry-After asking for longer is not waited for: the fetch fails as retriable.")
      .define(FETCH_ALLOW_PRIVATE_NETWORKS, Type.BOOLEAN, false, Importance.MEDIUM,
          "Allow image URLs that resolve to loopback, private or link-local addresses. Keep false in production (SSRF).")
      .define(FETCH_ALLOWED_HOSTS, Type.LIST, "", Importance.LOW,
          "Hosts always allowed for image URLs even when they resolve to private addresses.")
      .define(IMAGE_MAX_BYTES, Type.INT, 16 * 1024 * 1024, Range.atLeast(1024), Importance.MEDIUM,
          "Largest image accepted, in bytes (inline, fetched or uploaded over HTTP).")
      .define(IMAGE_MAX_PIXELS, Type.LONG, 50_000_000L, Range.atLeast(1), Importance.MEDIUM,
          "Largest image accepted, in pixels (width x height, checked before decoding: decompression bombs).")
      .define(QUERY_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
          "Deadline of one interactive query, forwarding to other instances included.")
      .define(AUTH_API_KEYS, Type.LIST, "", Importance.HIGH,
          "API keys as sha256hex:tenant entries (the SHA-256 of the key, never the key itself: echo -n KEY | sha256sum). "
              + "When set, every endpoint but health needs a key (x-api-key, api-key, Ocp-Apim-Subscription-Key or "
              + "Authorization: Bearer) and the key decides the tenant. Empty: no authentication (a warning is logged).")
      .define(AUTH_METRICS_KEYS, Type.LIST, "", Importance.MEDIUM,
          "SHA-256 hashes of the keys that may read /metrics (give one to Prometheus). Set: only they may, since /metrics "
              + "counts every tenant's traffic, and a tenant's key gets 403 there. Empty: any API key may.")
      .define(AUTH_PEER_SECRET, Type.PASSWORD, "", Importance.HIGH,
          "Secret the instances of one deployment share to call each other's /internal/ API (forwarded queries), with "
              + "auth.api.keys set: give every instance the same value, e.g. from LOOKALIKE_AUTH_PEER_SECRET. Empty: each "
              + "instance makes up its own, so one instance works alone but instances cannot answer each other's queries.")
      .define(RATE_LIMIT, Type.DOUBLE, 0.0, Range.atLeast(0), Importance.MEDIUM,
          "Requests per second allowed per API key on average (0: unlimited); over it, 429 with Retry-After.")
      .define(RATE_BURST, Type.INT, 0, Range.atLeast(0), Importance.LOW,
          "Requests a key may make at once before the rate applies (0: twice the rate).")
      .define(HTTP_MAX_CONCURRENT_EMBEDS, Type.INT, 0, Range.atLeast(0), Importance.LOW,
          "Query images decoded and embedded at once for HTTP requests (0: the number of cores); others wait briefly, then 503.")
      .define(HTTP_MAX_CONCURRENT_FETCHES, Type.INT, 16, Range.atLeast(1), Importance.LOW,
          "Image URLs fetched at once for HTTP requests; others wait briefly, then 503.")
      .define(HTTP_MAX_SHARE_PER_TENANT, Type.DOUBLE, 0.5, Range.between(0.01, 1.0), Importance.LOW,
          "With auth.api.keys naming more than one tenant: the largest share of http.max.concurrent.embeds and of "
              + "http.max.concurrent.fetches one tenant may hold at once (at least one of each); beyond it its requests wait briefly for its own, then 503, so one "
              + "tenant's slow URLs or batches cannot take every place. 1: no limit per tenant.")
      .define(HTTP_MAX_LIVE_CLIENTS_PER_TENANT, Type.INT, 100, Range.atLeast(1), Importance.LOW,
          "Clients one tenant may have connected to the live near-duplicate stream at once; another gets 429 until one leaves.")
      .define(MATCH_DELETED_RETENTION_MS, Type.LONG, 30L * 24 * 60 * 60 * 1000, KEEP_FOREVER_OR_AT_LEAST_A_MINUTE, Importance.LOW,
          "How long each partition remembers a deleted image (-1: forever). The marks keep match messages still in flight "
              + "(another partition's answer naming the image, seconds old) from bringing it back into a list or a pair, and "
              + "tell the near-duplicate groups view of an instance started later that the image is gone: keep it longer than "
              + "the retention of images.near-duplicates (broker default 7 days), or such an instance shows pairs of images "
              + "deleted longer ago. Older marks are purged, 10,000 marks read a minute on each partition, so they do not pile up forever.")
      .define(LOG_LEVEL, Type.STRING, "INFO",
          ConfigDef.CaseInsensitiveValidString.in("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"), Importance.LOW,
          "Log level of the service's own loggers (dev.lookalike), applied at startup; other libraries log at WARN.");

  private final Map<String, VectorConfig> vectors;

  public LookalikeConfig(Map<String, ?> values) {
    super(CONFIG_DEF, values, false);
    Map<String, VectorConfig> byName = new LinkedHashMap<>();
    for (String name : getList(VECTORS)) {
      if (!name.matches("[a-z][a-z0-9_-]{0,39}")) {
        throw new ConfigException(VECTORS, name, "vector names are lowercase letters, digits, '-' and '_'");
      }
      byName.put(name, new VectorConfig(name, originalsWithPrefix(VECTOR_PREFIX + name + ".")));
    }
    if (byName.isEmpty()) throw new ConfigException(VECTORS, "", "at least one named vector is required");
    checkTlsFiles();
    this.vectors = Map.copyOf(byName);
    this.vectorOrder = List.copyOf(byName.keySet());
  }

  private final List<String> vectorOrder;

  /** Either both PEM files or a keystore: half of a pair would otherwise start a plain-HTTP server the operator meant to secure. */
  private void checkTlsFiles() {
    boolean certificate = !getString(HTTP_TLS_CERTIFICATE).isBlank();
    boolean key = !getString(HTTP_TLS_PRIVATE_KEY).isBlank();
    boolean keystore = !getString(HTTP_TLS_KEYSTORE).isBlank();
    if (certificate != key) {
      throw new ConfigException((certificate ? HTTP_TLS_CERTIFICATE : HTTP_TLS_PRIVATE_KEY) + " is set but "
          + (certificate ? HTTP_TLS_PRIVATE_KEY : HTTP_TLS_CERTIFICATE) + " is not: the two go together");
    }
    if (keystore && certificate) {
      throw new ConfigException("give either " + HTTP_TLS_KEYSTORE + " or " + HTTP_TLS_CERTIFICATE + " and "
          + HTTP_TLS_PRIVATE_KEY + ", not both");
    }
  }

  /**
   * Keys given that no setting reads, sorted: usually a typo ({@code bootstrap.server}), which
   * otherwise leaves the default in force without a word. Anything under {@code kafka.} goes to the
   * Kafka clients, so only Kafka judges those.
   */
  public List<String> unknownKeys() {
    return originals().keySet().stream()
        .filter(key -> !CONFIG_DEF.names().contains(key) && !key.startsWith(KAFKA_PREFIX) && !isVectorKey(key))
        .sorted().toList();
  }

  /**
   * Variables the launcher, the commands, the bench scripts and the tests read themselves (JVM and Maven options,
   * search's key, stack traces, the download cache, the browser), not settings.
   */
  private static final Set<String> TOOL_ENV = Set.of("LOOKALIKE_JAVA_OPTS", "LOOKALIKE_MVN_ARGS", "LOOKALIKE_API_KEY",
      "LOOKALIKE_DEBUG", "LOOKALIKE_CACHE", "LOOKALIKE_CHROMIUM");

  /**
   * {@code LOOKALIKE_*} variables in {@code env} that no setting reads, sorted: a typo there
   * ({@code LOOKALIKE_BOOTSTRAP_SERVER}, {@code LOOKALIKE_AUTH_API_KEY}) left the default in force
   * without a word, where the same typo in the file is warned about. Per-vector variables count for
   * the configured vectors only; {@code LOOKALIKE_KAFKA_*} goes to the Kafka clients.
   */
  public List<String> unknownEnv(Map<String, String> env) {
    Set<String> known = new HashSet<>(TOOL_ENV);
    CONFIG_DEF.names().forEach(key -> known.add(envName(key)));
    for (String name : vectorOrder) {
      VectorConfig.CONFIG_DEF.names().forEach(key -> known.add(envName(VECTOR_PREFIX + name + "." + key)));
    }
    return env.keySet().stream()
        .filter(k -> k.startsWith(ENV_PREFIX) && !k.startsWith(ENV_PREFIX + "KAFKA_") && !known.contains(k))
        .sorted().toList();
  }

  private boolean isVectorKey(String key) {
    for (String name : vectorOrder) {
      String prefix = VECTOR_PREFIX + name + ".";
      if (key.startsWith(prefix) && VectorConfig.CONFIG_DEF.names().contains(key.substring(prefix.length()))) return true;
    }
    return false;
  }

  /** Defaults, then {@code file} (may be null), then {@code env}. */
  public static LookalikeConfig load(Path file, Map<String, String> env) {
    Map<String, Object> values = new HashMap<>();
    if (file != null) values.putAll(readProperties(file));
    values.putAll(fromEnv(env, values));
    return new LookalikeConfig(values);
  }

  /** Defaults plus explicit overrides: for tests and embedding. */
  public static LookalikeConfig of(Map<String, ?> overrides) {
    return new LookalikeConfig(overrides);
  }

  private static Map<String, Object> readProperties(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader);
    } catch (IOException e) {
      // A missing file's exception message is its path alone: "cannot read config file x: x".
      throw new ConfigException("cannot read config file " + file + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
    }
    Map<String, Object> values = new HashMap<>();
    props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
    return values;
  }

  /**
   * Environment overrides. Known keys (and per-vector keys of the configured vectors) are matched
   * by their env spelling; {@code LOOKALIKE_KAFKA_X_Y} becomes the client setting {@code x.y}
   * (Kafka setting names have no underscores, so the mapping is reversible).
   */
  static Map<String, Object> fromEnv(Map<String, String> env, Map<String, Object> fileValues) {
    Map<String, Object> values = new HashMap<>();
    for (String key : CONFIG_DEF.names()) {
      String v = env.get(envName(key));
      if (v != null) values.put(key, v);
    }
    Object vectorList = values.getOrDefault(VECTORS, fileValues.getOrDefault(VECTORS, CONFIG_DEF.defaultValues().get(VECTORS)));
    for (String name : ConfigDef.parseType(VECTORS, vectorList, Type.LIST) instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.<String>of()) {
      for (String key : VectorConfig.CONFIG_DEF.names()) {
        String full = VECTOR_PREFIX + name + "." + key;
        String v = env.get(envName(full));
        if (v != null) values.put(full, v);
      }
    }
    String kafkaEnv = ENV_PREFIX + "KAFKA_";
    env.forEach((k, v) -> {
      if (k.startsWith(kafkaEnv)) {
        values.put(KAFKA_PREFIX + k.substring(kafkaEnv.length()).toLowerCase().replace('_', '.'), v);
      }
    });
    return values;
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase().replace('.', '_').replace('-', '_');
  }

  public String applicationId() { return getString(APPLICATION_ID); }
  public String bootstrapServers() { return getString(BOOTSTRAP_SERVERS); }
  public String schemaRegistryUrl() { return getString(SCHEMA_REGISTRY_URL); }
  /** user:password for the registry's basic auth, or empty. */
  public String schemaRegistryUserInfo() { return getPassword(SCHEMA_REGISTRY_USER_INFO).value(); }
  public boolean autoRegisterSchemas() { return getBoolean(SCHEMA_REGISTRY_AUTO_REGISTER); }

  public TopicNames topicNames() {
    return new TopicNames(getString(TOPIC_UPLOADED), getString(TOPIC_EMBEDDED), getString(TOPIC_NEAR_DUPLICATES),
        getString(TOPIC_RECOMMENDATIONS), getString(TOPIC_DEAD_LETTER));
  }

  public boolean createTopics() { return getBoolean(TOPICS_CREATE); }
  public int topicPartitions() { return getInt(TOPICS_PARTITIONS); }
  public short replicationFactor() { return (short) (int) getInt(TOPICS_REPLICATION_FACTOR); }
  public String stateDir() { return getString(STATE_DIR); }
  public int streamThreads() { return getInt(NUM_STREAM_THREADS); }
  public int standbyReplicas() { return getInt(NUM_STANDBY_REPLICAS); }
  public String processingGuarantee() { return getString(PROCESSING_GUARANTEE); }
  public long commitIntervalMs() { return getLong(COMMIT_INTERVAL_MS); }
  public String httpHost() { return getString(HTTP_HOST); }
  public int httpPort() { return getInt(HTTP_PORT); }
  public String advertisedHost() { return getString(ADVERTISED_HOST); }
  /** Whether the HTTP API serves HTTPS (a PEM pair or a keystore is configured). */
  public boolean httpTls() { return !getString(HTTP_TLS_CERTIFICATE).isBlank() || !getString(HTTP_TLS_KEYSTORE).isBlank(); }
  public String httpTlsCertificate() { return getString(HTTP_TLS_CERTIFICATE).strip(); }
  public String httpTlsPrivateKey() { return getString(HTTP_TLS_PRIVATE_KEY).strip(); }
  public String httpTlsKeystore() { return getString(HTTP_TLS_KEYSTORE).strip(); }
  public String httpTlsKeystorePassword() { return getPassword(HTTP_TLS_KEYSTORE_PASSWORD).value(); }
  public long httpTlsReloadIntervalMs() { return getLong(HTTP_TLS_RELOAD_INTERVAL_MS); }
  public long queryTimeoutMs() { return getLong(QUERY_TIMEOUT_MS); }
  public List<String> apiKeys() { return getList(AUTH_API_KEYS); }
  public List<String> metricsKeys() { return getList(AUTH_METRICS_KEYS); }
  public String peerSecret() { return getPassword(AUTH_PEER_SECRET).value(); }
  public double rateLimitPerSecond() { return getDouble(RATE_LIMIT); }
  public int rateLimitBurst() { return getInt(RATE_BURST); }
  public int httpMaxConcurrentEmbeds() {
    int configured = getInt(HTTP_MAX_CONCURRENT_EMBEDS);
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }
  public int httpMaxConcurrentFetches() { return getInt(HTTP_MAX_CONCURRENT_FETCHES); }
  public int httpMaxLiveClientsPerTenant() { return getInt(HTTP_MAX_LIVE_CLIENTS_PER_TENANT); }
  public double httpMaxSharePerTenant() { return getDouble(HTTP_MAX_SHARE_PER_TENANT); }
  public long matchDeletedRetentionMs() { return getLong(MATCH_DELETED_RETENTION_MS); }
  public String logLevel() { return getString(LOG_LEVEL).toUpperCase(java.util.Locale.ROOT); }
  public int imageMaxBytes() { return getInt(IMAGE_MAX_BYTES); }
  public long imageMaxPixels() { return getLong(IMAGE_MAX_PIXELS); }
  public long fetchConnectTimeoutMs() { return getLong(FETCH_CONNECT_TIMEOUT_MS); }
  public long fetchReadTimeoutMs() { return getLong(FETCH_READ_TIMEOUT_MS); }
  public long fetchTotalTimeoutMs() { return getLong(FETCH_TOTAL_TIMEOUT_MS); }
  public int fetchMaxRedirects() { return getInt(FETCH_MAX_REDIRECTS); }
  public int fetchRetries() { return getInt(FETCH_RETRIES); }
  public long fetchRetryBackoffMs() { return getLong(FETCH_RETRY_BACKOFF_MS); }
  public long fetchRetryBackoffMaxMs() { return getLong(FETCH_RETRY_BACKOFF_MAX_MS); }
  public boolean fetchAllowPrivateNetworks() { return getBoolean(FETCH_ALLOW_PRIVATE_NETWORKS); }
  public List<String> fetchAllowedHosts() { return getList(FETCH_ALLOWED_HOSTS); }

  /** The named vectors in configured order; the first is the default target of queries. */
  public List<VectorConfig> vectors() { return vectorOrder.stream().map(vectors::get).toList(); }

  public VectorConfig vector(String name) {
    VectorConfig v = vectors.get(name);
    if (v == null) throw new ConfigException("unknown vector '" + name + "', configured: " + vectorOrder);
    return v;
  }

  public boolean hasVector(String name) { return vectors.containsKey(name); }

  /** Settings passed to every Kafka client as they are (the {@code kafka.} prefix removed). */
  public Map<String, Object> kafkaOverrides() { return originalsWithPrefix(KAFKA_PREFIX); }

  /** Copy with some values replaced: for tests and the dev mode. */
  public LookalikeConfig with(Map<String, ?> overrides) {
    Map<String, Object> values = new HashMap<>(originals());
    values.putAll(overrides);
    return new LookalikeConfig(values);
  }
}
