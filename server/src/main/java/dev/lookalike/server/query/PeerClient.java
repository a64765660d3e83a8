package dev.lookalike.server.query;

import dev.lookalike.server.tls.TrustedCertificates;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the internal API of other instances: one pooled client (connections are reused), a
 * deadline per call, and a clear "not ready" error when a peer does not answer. The error goes to
 * the client, so it says "another instance"; the log names which (internal host names are not
 * the client's business).
 */
public final class PeerClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PeerClient.class);

  public static final MediaType JSON = MediaType.get("application/json");
  public static final MediaType AVRO = MediaType.get("application/vnd.lookalike.avro");
  /** Same header name as {@code Authenticator.PEER_HEADER}; query does not depend on http. */
  static final String PEER_HEADER = "x-lookalike-peer";

  private final OkHttpClient http;
  private final String peerToken;
  private final String scheme;
  private volatile boolean warnedOfRefusal;
  private volatile boolean warnedOfUntrusted;

  public PeerClient(Duration timeout, String peerToken) {
    this(timeout, peerToken, Optional.empty());
  }

  /** With TLS, peers are called over HTTPS, trusting the JVM's authorities and this instance's own chain. */
  public PeerClient(Duration timeout, String peerToken, Optional<TrustedCertificates> tls) {
    this.peerToken = peerToken;
    this.scheme = tls.isPresent() ? "https://" : "http://";
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofMillis(Math.min(timeout.toMillis(), 2_000)))
        .callTimeout(timeout)
        // Idle connections are dropped before a peer's Jetty closes them (after 30 s idle): a reused
        // connection the peer had closed failed the next query with a 503 on a healthy cluster.
        .connectionPool(new ConnectionPool(16, 20, TimeUnit.SECONDS))
        // And one the peer closed anyway (a restart) is replaced and the call retried once: every
        // internal call is a read, and the call timeout still bounds the whole.
        .retryOnConnectionFailure(true);
    tls.ifPresent(trust -> builder.sslSocketFactory(trust.socketFactory(), trust.trustManager()));
    this.http = builder.build();
  }

  /** GET; empty when the peer answers 404. */
  public Optional<byte[]> get(HostInfo peer, String pathAndQuery) {
    return call(peer, new Request.Builder().url(url(peer, pathAndQuery)).header(PEER_HEADER, peerToken).get().build());
  }

  public byte[] post(HostInfo peer, String path, byte[] json) {
    Request request = new Request.Builder().url(url(peer, path)).header(PEER_HEADER, peerToken)
        .post(RequestBody.create(json, JSON)).build();
    return call(peer, request).orElseThrow(() -> failed(peer, "has no route " + path));
  }

  private Optional<byte[]> call(HostInfo peer, Request request) {
    try (Response response = http.newCall(request).execute()) {
      if (response.code() == 404) return Optional.empty();
      if (response.code() == 401) throw refused(peer);
      byte[] body = response.body() == null ? new byte[0] : response.body().bytes();
      if (!response.isSuccessful()) {
        throw failed(peer, "answered " + response.code() + ": " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
      }
      return Optional.of(body);
    } catch (IOException e) {
      if (isCertificateRefusal(e)) throw untrusted(peer, (SSLException) e);
      // OkHttp's messages name the peer's address ("Failed to connect to /10.0.0.7:8080"): the log's, not the client's.
      log.info("instance {}:{} did not answer: {}", peer.host(), peer.port(), e.toString());
      throw new NotReadyException("another instance did not answer (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static NotReadyException failed(HostInfo peer, String what) {
    log.info("instance {}:{} {}", peer.host(), peer.port(), what);
    return new NotReadyException("another instance " + what);
  }

  /** A peer with another auth.peer.secret: not a passing state, so the log says it once, and every answer names the setting. */
  private NotReadyException refused(HostInfo peer) {
    String message = " refused this instance's peer token: every instance needs the same auth.peer.secret";
    if (!warnedOfRefusal) log.warn("instance {}:{}{}", peer.host(), peer.port(), message);
    warnedOfRefusal = true;
    return NotReadyException.misconfigured("another instance" + message);
  }

  /**
   * A certificate refused (not trusted, or not naming the host), as opposed to a handshake a peer
   * broke off while shutting down, which passes like any connection failure.
   */
  private static boolean isCertificateRefusal(IOException e) {
    if (e instanceof SSLPeerUnverifiedException) return true;
    if (!(e instanceof SSLException)) return false;
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException) return true;
    }
    return false;
  }

  /** A certificate this instance does not trust, or that does not name the peer's host: a setting to fix, like the secret. */
  private NotReadyException untrusted(HostInfo peer, SSLException e) {
    String message = "'s certificate is not trusted or does not name its host (" + e.getClass().getSimpleName()
        + "): every instance needs the same http.tls certificate, naming each one's http.advertised.host";
    if (!warnedOfUntrusted) log.warn("instance {}:{}{}: {}", peer.host(), peer.port(), message, e.getMessage());
    warnedOfUntrusted = true;
    return NotReadyException.misconfigured("another instance" + message);
  }

  private String url(HostInfo peer, String pathAndQuery) {
    return scheme + peer.host() + ":" + peer.port() + pathAndQuery;
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
