package dev.lookalike.server.http;

import dev.lookalike.avro.NearDuplicateDetected;
import dev.lookalike.server.events.DuplicateFeed;
import dev.lookalike.server.events.DuplicateGraph;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /v1/duplicates/groups} (the tenant's groups of near-duplicates, largest first) and
 * {@code GET /v1/events/near-duplicates} (the tenant's new near-duplicate events as server-sent
 * events), both over the {@link DuplicateFeed} attached once Kafka Streams runs.
 */
final class DuplicateRoutes {

  static final String LIVE_PATH = "/v1/events/near-duplicates";
  static final int DEFAULT_GROUPS = 20;
  /** Pairs shown per group, strongest first; a group of n images can hold n(n-1)/2. */
  static final int DEFAULT_PAIRS_PER_GROUP = 20;
  /** Events a slow live client may fall behind by before new ones are dropped for it. */
  static final int SUBSCRIBER_QUEUE = 1000;
  static final long KEEP_ALIVE_SECONDS = 15;

  private volatile DuplicateFeed feed;
  private final Set<SseClient> liveClients = ConcurrentHashMap.newKeySet();
  // Each stream holds a connection, a virtual thread and a queue of up to SUBSCRIBER_QUEUE events.
  private final int maxLivePerTenant;
  private final Map<String, AtomicInteger> livePerTenant = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  DuplicateRoutes(int maxLivePerTenant) {
    this.maxLivePerTenant = maxLivePerTenant;
  }

  /** Clients connected to the live stream now (the gauge {@code lookalike_live_clients}). */
  int liveClients() {
    return liveClients.size();
  }

  /**
   * Ends every live stream (the server is stopping). Closing a client completes its request while
   * Jetty still runs and wakes its writer, which unsubscribes; left open, each writer would find
   * the connection gone only at its next keep-alive, after Jetty had recycled the request.
   */
  void endLiveStreams() {
    stopping = true;
    liveClients.forEach(SseClient::close);
  }

  void attach(DuplicateFeed feed) {
    this.feed = feed;
  }

  private DuplicateFeed feed() {
    DuplicateFeed current = feed;
    if (current == null) throw new ApiException(503, "NOT_READY", "the duplicates feed is not running yet");
    return current;
  }

  void groups(Context ctx) {
    String tenant = Requests.tenant(ctx);
    int limit = ctx.queryParam("limit") == null ? DEFAULT_GROUPS : Requests.limit(ctx);
    int offset = Requests.offset(ctx);
    int pairsPerGroup = Requests.intParam(ctx, "pairsPerGroup", DEFAULT_PAIRS_PER_GROUP, 0, Requests.MAX_LIMIT);
    DuplicateFeed current = feed();
    if (!current.caughtUp()) throw new ApiException(503, "NOT_READY", "the duplicates feed is still reading the topic");
    DuplicateGraph.Page page = current.groups(tenant, offset, limit, pairsPerGroup);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", tenant);
    out.put("total", page.total());
    out.put("offset", offset);
    out.put("limit", limit);
    out.put("droppedPairs", page.droppedPairs());
    out.put("groups", page.groups().stream().map(g -> Map.of("size", g.size(), "images", g.images(), "pairCount", g.pairCount(),
        "pairs", g.pairs().stream().map(p -> Map.of("imageId", p.imageId(), "duplicateOf", p.duplicateOf(),
            "similarity", p.similarity(), "kind", p.kind(), "vector", p.vector())).toList())).toList());
    ctx.json(out);
  }

  /**
   * Refuses the stream with a JSON error before the SSE headers are sent: 503 before the feed
   * runs, 429 when the tenant has its maximum of live clients. Connections racing for the last
   * place may all pass here; {@link #live} then closes the extra ones at once.
   */
  void beforeLive(Context ctx) {
    if (!ctx.path().equals(LIVE_PATH)) return;
    // Javalin streams only to a client whose Accept names text/event-stream, and answers anyone else an empty
    // 200 text/plain: a client that asked for JSON (as generated API clients do) or sent no Accept would see
    // "no events, ever" with a success status. Refused instead, saying what to send.
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw ApiException.badRequest("this route answers server-sent events: send Accept: text/event-stream (as EventSource does)");
    }
    feed();
    String tenant = Requests.tenant(ctx);
    if (liveClientsOf(tenant) >= maxLivePerTenant) {
      throw new ApiException(429, "TOO_MANY_LIVE_CLIENTS", full(tenant) + " (http.max.live.clients.per.tenant)", KEEP_ALIVE_SECONDS);
    }
  }

  private String full(String tenant) {
    return "tenant " + tenant + " has " + maxLivePerTenant + " live clients connected";
  }

  private int liveClientsOf(String tenant) {
    AtomicInteger count = livePerTenant.get(tenant);
    return count == null ? 0 : count.get();
  }

  /** Counts a client in; returns the tenant's clients with it. Atomic per tenant with {@link #countOut}. */
  private int countIn(String tenant) {
    return livePerTenant.compute(tenant, (t, count) -> {
      AtomicInteger counted = count == null ? new AtomicInteger() : count;
      counted.incrementAndGet();
      return counted;
    }).get();
  }

  /** Counts a client out; a tenant with none left leaves the map, so tenant names asked for do not pile up. */
  private void countOut(String tenant) {
    livePerTenant.computeIfPresent(tenant, (t, count) -> count.decrementAndGet() == 0 ? null : count);
  }

  void live(SseClient client) {
    DuplicateFeed current = feed();
    String tenant = Requests.tenant(client.ctx());
    BlockingQueue<NearDuplicateDetected> queue = new ArrayBlockingQueue<>(SUBSCRIBER_QUEUE);
    AtomicLong lost = new AtomicLong();
    // The feed's thread only queues; this client's own virtual thread writes, so a slow client delays no one.
    Runnable unsubscribe = current.subscribe(tenant, e -> { if (!queue.offer(e)) lost.incrementAndGet(); });
    client.keepAlive();
    liveClients.add(client);
    boolean over = countIn(tenant) > maxLivePerTenant; // lost the race for the last place; the writer says so and ends
    if (stopping) client.close(); // connected while endLiveStreams ran, which may have missed it; the writer then ends at once
    Thread writer = Thread.ofVirtual().name("sse-near-duplicates").unstarted(() -> {
      try {
        if (over) {
          client.sendComment("closed: " + full(tenant));
          return;
        }
        client.sendComment("near-duplicate events of tenant " + tenant);
        while (!client.terminated()) {
          NearDuplicateDetected event = queue.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
          if (event == null) {
            client.sendComment("keep-alive"); // also how a gone client is noticed: the write fails and closes it
          } else {
            long dropped = lost.getAndSet(0);
            if (dropped > 0) client.sendComment(dropped + " event(s) dropped: this client fell behind");
            client.sendEvent("near-duplicate", json(event));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        unsubscribe.run();
        client.close();
        liveClients.remove(client);
        countOut(tenant);
      }
    });
    client.onClose(() -> {
      unsubscribe.run();
      writer.interrupt();
    });
    writer.start();
  }

  static Map<String, Object> json(NearDuplicateDetected e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imageId", e.getImageId());
    out.put("tenant", e.getTenant());
    out.put("duplicateOf", e.getDuplicateOf());
    out.put("similarity", e.getSimilarity());
    out.put("kind", e.getKind().name());
    out.put("vectorName", e.getVectorName());
    out.put("detectedAt", e.getDetectedAt().toEpochMilli());
    return out;
  }

}
