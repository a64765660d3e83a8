package dev.lookalike.server.http;

import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.hosted.ProviderException;
import dev.lookalike.embedding.image.ImageFetcher;
import dev.lookalike.server.auth.ApiKeys;
import dev.lookalike.server.auth.Authenticator;
import dev.lookalike.server.auth.ErrorShapes;
import dev.lookalike.server.auth.MetricsKeys;
import dev.lookalike.server.auth.RateLimiter;
import dev.lookalike.server.auth.Rejection;
import dev.lookalike.server.events.DuplicateFeed;
import dev.lookalike.server.query.ClusterQueries;
import dev.lookalike.server.query.NotReadyException;
import dev.lookalike.server.tls.TlsIdentity;
import dev.lookalike.topology.TopologyServices;
import dev.lookalike.topology.runtime.LookalikeStreams;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: query API under /v1, health, metrics and the web page. Every error is JSON
 * ({@code {"error":{"code","message"}}}); bad input is a 4xx, a moving cluster a 503 with
 * Retry-After, and nothing answers with a stack trace.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  /** Longest request target (path and query) a route accepts; longer ones get 414 in our JSON shape. */
  static final int MAX_URI_CHARS = 8 * 1024;
  /**
   * Jetty reads request heads up to this size. It is far above {@link #MAX_URI_CHARS} on purpose:
   * when Jetty itself refuses a head it closes the connection with the rest of the request unread,
   * the kernel answers the client's remaining bytes with a reset, and a client still sending
   * loses the 414. Reading the whole head and refusing it in a route keeps the answer reliable.
   */
  static final int MAX_HEAD_BYTES = 256 * 1024;

  private final Javalin app;
  private final Api api;
  private final PrometheusMeterRegistry metrics;
  private final DuplicateRoutes duplicates;
  private final Optional<SslContextFactory.Server> tls;
  private final JvmGcMetrics gcMetrics;

  private HttpApi(Javalin app, Api api, PrometheusMeterRegistry metrics, DuplicateRoutes duplicates, Optional<SslContextFactory.Server> tls,
                  JvmGcMetrics gcMetrics) {
    this.app = app;
    this.api = api;
    this.metrics = metrics;
    this.duplicates = duplicates;
    this.tls = tls;
    this.gcMetrics = gcMetrics;
  }

  public static HttpApi start(LookalikeConfig config, TopologyServices services, ImageFetcher fetcher) {
    return start(config, services, fetcher, ApiKeys.parse(config.apiKeys(), config.peerSecret()));
  }

  public static HttpApi start(LookalikeConfig config, TopologyServices services, ImageFetcher fetcher, ApiKeys keys) {
    return start(config, services, fetcher, keys, TlsIdentity.from(config));
  }

  /** With a TLS identity the API serves HTTPS only, on http.port: an API key never crosses the network in clear. */
  public static HttpApi start(LookalikeConfig config, TopologyServices services, ImageFetcher fetcher, ApiKeys keys,
                              Optional<TlsIdentity> tls) {
    if (!keys.enabled()) log.warn("auth.api.keys is empty: the HTTP API is open to anyone who can reach it");
    else if (config.peerSecret().isEmpty()) {
      log.info("auth.peer.secret is empty: other instances cannot call this one's internal API; give every instance the same one to run several");
    }
    Authenticator authenticator = new Authenticator(keys, MetricsKeys.parse(config.metricsKeys()),
        new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), System::nanoTime));
    Api api = new Api(config);
    // One registry for the topology's meters and ours: the service passes its Prometheus registry in the services.
    PrometheusMeterRegistry metrics = services.meters() instanceof PrometheusMeterRegistry shared ? shared
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The process and JVM meters that JVM dashboards and CPU, GC and restart alerts read (process_cpu_usage,
    // process_start_time_seconds, jvm_gc_pause_seconds, jvm_threads_*), not only memory.
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ClassLoaderMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    processCpuSeconds(metrics);
    new UptimeMetrics().bindTo(metrics);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(metrics);
    ImageRoutes images = new ImageRoutes(api);
    // Without keys the tenant is whatever the client names, so a share would bound nothing; with one tenant it protects no one.
    double share = keys.tenants() > 1 ? config.httpMaxSharePerTenant() : 1.0;
    int embeds = config.httpMaxConcurrentEmbeds();
    int fetches = config.httpMaxConcurrentFetches();
    QueryVectors queryVectors = new QueryVectors(services, fetcher, new Bulkhead("embedding", embeds, Bulkhead.share(embeds, share)),
        new Bulkhead("fetching", fetches, Bulkhead.share(fetches, share)));
    SearchRoutes search = new SearchRoutes(api, queryVectors);
    SeedRoutes seeds = new SeedRoutes(api, queryVectors, services.embeddersByName(), authenticator);
    InternalRoutes internal = new InternalRoutes(api);
    DuplicateRoutes duplicates = new DuplicateRoutes(config.httpMaxLiveClientsPerTenant());
    Gauge.builder("lookalike.live.clients", duplicates, DuplicateRoutes::liveClients)
        .description("clients connected to the live near-duplicate stream").register(metrics);
    Optional<SslContextFactory.Server> ssl = tls.map(HttpApi::sslContextFactory);
    Javalin app = Javalin.create(cfg -> {
      cfg.jetty.host = config.httpHost();
      cfg.jetty.port = config.httpPort();
      // Base64 images are about 4/3 of their size, plus the JSON around them.
      cfg.http.maxRequestSize = config.imageMaxBytes() * 4L / 3 + 64 * 1024;
      cfg.http.prefer405over404 = true; // GET /v1/search: "use POST", not "no such endpoint"
      cfg.startup.showJavalinBanner = false;
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_HEAD_BYTES));
      // Javalin adds its plain connector only when none is given.
      ssl.ifPresent(factory -> cfg.jetty.addConnector((server, http) -> httpsConnector(server, http, factory, config)));
      cfg.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/web";
        files.location = Location.CLASSPATH;
      });
      cfg.routes.before(HttpMetrics::start);
      cfg.routes.before(HttpApi::refuseLongUri);
      cfg.routes.after(ctx -> HttpMetrics.record(metrics, ctx));
      cfg.routes.after(ctx -> UnreadBodies.discard(ctx, cfg.http.maxRequestSize));
      cfg.routes.before(authenticator::check);
      // A declared length over the limit is refused before the body is read (with Expect: 100-continue, before it is sent).
      cfg.routes.before(ctx -> { if (ctx.req().getContentLengthLong() > cfg.http.maxRequestSize) throw new ApiException(413, "PAYLOAD_TOO_LARGE", "request body of " + ctx.req().getContentLengthLong() + " bytes is over " + cfg.http.maxRequestSize); });
      cfg.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
      cfg.routes.get("/health/ready", ctx -> ready(ctx, api));
      // Weaviate's probes, which its clients call to wait for a server (misc().readyChecker()): a status and, as
      // Weaviate's, no body (its Java client reads the body as a string and failed on our JSON).
      cfg.routes.get("/v1/.well-known/live", ctx -> ctx.status(HttpStatus.OK));
      cfg.routes.get("/v1/.well-known/ready", ctx -> ctx.status(api.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE));
      cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
      cfg.routes.get("/v1/images/{id}", images::get);
      cfg.routes.get("/v1/images/{id}/duplicates", images::duplicates);
      cfg.routes.get("/v1/images/{id}/similar", images::similar);
      cfg.routes.get("/v1/images/{id}/thumbnail", new PageRoutes(api, services.embeddersByName())::thumbnail);
      cfg.routes.get("/v1/vectors", new PageRoutes(api, services.embeddersByName())::vectors);
      cfg.routes.get("/v1/duplicates/groups", duplicates::groups);
      cfg.routes.before(DuplicateRoutes.LIVE_PATH, duplicates::beforeLive);
      cfg.routes.sse(DuplicateRoutes.LIVE_PATH, duplicates::live);
      cfg.routes.post("/v1/search", search::search);
      cfg.routes.post("/v1/search/image", search::searchByUpload);
      cfg.routes.post("/v1/graphql", new GraphQlRoutes(search)::query); // Weaviate's Get queries
      cfg.routes.post("/computervision/retrieval:vectorizeImage", seeds::vectorizeImage);
      cfg.routes.post("/computervision/retrieval:vectorizeText", seeds::vectorizeText);
      cfg.routes.post("/images/embeddings", seeds::imageEmbeddings);
      cfg.routes.post("/api/ai/embeddings", seeds::coreVizEmbeddings);
      OpenApiRoutes.register(cfg.routes); // GET /openapi.yaml, /openapi.json
      cfg.routes.get("/internal/v1/stores/{store}/keys/{key}", internal::lookup);
      cfg.routes.post("/internal/v1/knn", internal::knn);
      cfg.routes.exception(Rejection.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
      cfg.routes.exception(ApiException.class, HttpApi::apiError);
      cfg.routes.exception(ProviderException.class, (e, ctx) -> apiError(ApiException.of(e), ctx));
      cfg.routes.exception(NotReadyException.class, (e, ctx) -> {
        ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        error(ctx, 503, e.code(), e.getMessage());
      });
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
        error(ctx, 500, "INTERNAL_ERROR", "unexpected error; see the service log");
      });
      cfg.routes.error(404, ctx -> {
        // Our own 404s are JSON already; only Javalin's plain "endpoint not found" is replaced.
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
          error(ctx, 404, "NOT_FOUND", "no route for " + ctx.method() + " " + ctx.path());
        }
      });
      // Javalin's own refusals (a body over maxRequestSize...) in our shape; an error(413) mapper would also overwrite our
      // precise 413s (IMAGE_TOO_LARGE, TOO_MANY_PIXELS).
      cfg.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> {
        if (e.getStatus() == 405) allow(ctx, e.getDetails()); // the error(405) mapper below writes the body, naming it
        error(ctx, e.getStatus(), e.getStatus() == 413 ? "PAYLOAD_TOO_LARGE" : HttpStatus.forStatus(e.getStatus()).name(),
            e.getStatus() == 413 ? "request body over " + cfg.http.maxRequestSize + " bytes" : e.getMessage());
      });
      cfg.routes.error(405, ctx -> error(ctx, 405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed on " + ctx.path()
          + (ctx.res().getHeader("Allow") == null ? "" : "; use " + ctx.res().getHeader("Allow"))));
    });
    try {
      app.start();
    } catch (RuntimeException e) {
      gcMetrics.close();
      throw e;
    }
    return new HttpApi(app, api, metrics, duplicates, ssl, gcMetrics);
  }

  private static SslContextFactory.Server sslContextFactory(TlsIdentity identity) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(identity.keyStore());
    ssl.setKeyManagerPassword(new String(identity.keyPassword()));
    return ssl;
  }

  private static ServerConnector httpsConnector(Server server, HttpConfiguration http, SslContextFactory.Server ssl, LookalikeConfig config) {
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // One certificate: the client's host-name check is the one that matters; Jetty's own would refuse clients that
    // reach the instance by an address the certificate does not name but the client accepts (an IP it pinned).
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost(config.httpHost());
    connector.setPort(config.httpPort());
    return connector;
  }

  private static void refuseLongUri(Context ctx) {
    String query = ctx.req().getQueryString();
    int length = ctx.req().getRequestURI().length() + (query == null ? 0 : query.length() + 1);
    if (length > MAX_URI_CHARS) {
      throw new ApiException(414, "URI_TOO_LONG", "request target of " + length + " characters is over " + MAX_URI_CHARS);
    }
  }

  private static void ready(Context ctx, Api api) {
    boolean ready = api.ready();
    ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
        .json(Map.of("status", ready ? "READY" : "NOT_READY", "streams", api.streamsState()));
  }

  private static void apiError(ApiException e, Context ctx) {
    retryAfter(ctx, e);
    error(ctx, e.status(), e.code(), e.getMessage());
  }

  /** A 503 or 429 always says when to come back. */
  static void retryAfter(Context ctx, ApiException e) {
    if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
    else if (e.status() == 503 || e.status() == 429) ctx.header("Retry-After", "1");
  }

  /** A 405 names the methods the path takes (RFC 9110 asks for the Allow header). */
  private static void allow(Context ctx, Map<String, String> details) {
    String methods = details.get("availableMethods");
    if (methods != null && !methods.isBlank()) ctx.header("Allow", methods.replaceAll("[\\[\\]\\s]", "").replace(",", ", "));
  }

  /**
   * An error raised outside a route's own handling (a body or request target over the limit, a method the path
   * does not take, a cluster not ready, an unexpected failure), in the shape of the API called: a CoreViz or
   * Weaviate client must find its error where it looks for one, whatever refused the request.
   */
  static void error(Context ctx, int status, String code, String message) {
    ctx.status(status).json(ErrorShapes.body(ctx.path(), status, code, message == null ? code : message));
  }

  /**
   * Two of ProcessorMetrics' meters fail {@code promtool check metrics}: {@code process_cpu_time_ns_total} (a unit
   * abbreviation, in nanoseconds) and the gauge {@code system_cpu_count} (a {@code _count} suffix that is not a
   * histogram's). The CPU time is served as {@code process_cpu_seconds_total} instead, the name Prometheus' own
   * client libraries give it (rate() of it: cores busy); the core count is left out.
   */
  private static void processCpuSeconds(MeterRegistry metrics) {
    for (String name : List.of("process.cpu.time", "system.cpu.count")) metrics.find(name).meters().forEach(metrics::remove);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time the JVM process used").register(metrics);
    }
  }

  /** Connects the API to the running topology. */
  public void attach(ClusterQueries queries, LookalikeStreams streams) {
    api.attach(queries, streams);
    new KafkaStreamsMetrics(streams.streams()).bindTo(metrics);
  }

  /** Connects the duplicates view and the live events to the running feed. */
  public void attach(DuplicateFeed feed) {
    duplicates.attach(feed);
  }

  public int port() {
    return app.port();
  }

  /** "https" when the API serves TLS, else "http". */
  public String scheme() {
    return tls.isPresent() ? "https" : "http";
  }

  /** Serves a renewed key and certificate to new connections; open connections keep theirs. */
  public void reloadTls(TlsIdentity identity) {
    SslContextFactory.Server ssl = tls.orElseThrow(() -> new IllegalStateException("the API serves plain HTTP"));
    try {
      ssl.reload(factory -> {
        factory.setKeyStore(identity.keyStore());
        factory.setKeyManagerPassword(new String(identity.keyPassword()));
      });
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the renewed certificate into the server: " + e.getMessage(), e);
    }
  }

  /** Clients connected to the live near-duplicate stream now. */
  int liveClients() {
    return duplicates.liveClients();
  }

  @Override
  public void close() {
    duplicates.endLiveStreams(); // while Jetty still runs: stopping it under them leaves Javalin finishing recycled requests
    app.stop();
    gcMetrics.close(); // its GC notification listeners would outlive the server
  }
}
