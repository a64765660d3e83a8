package dev.lookalike.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whom a client of the HTTP API trusts: the JVM's certificate authorities and some certificates
 * of its own, so a self-signed certificate or a private CA works without touching the JVM's trust
 * store. An instance calling another trusts its own chain ({@link #of(TlsIdentity)}): the instances
 * of one deployment share a certificate or its issuer; when it is renewed, the new chain is
 * {@link #add added}, and the old one stays trusted for the instances that have not reloaded yet.
 * Host names are still verified: the certificate must name the host called.
 */
public final class TrustedCertificates {

  private final X509TrustManager jvm;
  private final List<X509Certificate> own = new CopyOnWriteArrayList<>();
  private volatile X509TrustManager ownTrust;
  private final X509TrustManager trustManager = new Either();
  private final SSLContext sslContext;

  /** What an instance trusts when it calls another: its own chain. */
  public static TrustedCertificates of(TlsIdentity identity) {
    return new TrustedCertificates(identity.chain());
  }

  public TrustedCertificates(List<X509Certificate> certificates) {
    try {
      this.jvm = trustManager(null);
      add(certificates);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      this.sslContext = context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the trusted certificates: " + e.getMessage(), e);
    }
  }

  /** Trusts these certificates too (a renewed chain); connections made from now on see them. */
  public synchronized void add(List<X509Certificate> certificates) {
    for (X509Certificate certificate : certificates) if (!own.contains(certificate)) own.add(certificate);
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate certificate : own) anchors.setCertificateEntry("own-" + i++, certificate);
      ownTrust = trustManager(anchors);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the trusted certificates: " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM file (one or a chain); empty if it holds none. */
  public static List<X509Certificate> readPem(Path file) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
    }
  }

  public X509TrustManager trustManager() {
    return trustManager;
  }

  public SSLSocketFactory socketFactory() {
    return sslContext.getSocketFactory();
  }

  public SSLContext sslContext() {
    return sslContext;
  }

  private static X509TrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) return x509;
    }
    throw new GeneralSecurityException("no X509TrustManager");
  }

  /** Trusted by the JVM's authorities or by our own certificates. */
  private final class Either implements X509TrustManager {

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        jvm.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        ownTrust.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("clients are not authenticated by certificate");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return Stream.concat(Stream.of(jvm.getAcceptedIssuers()), Stream.of(ownTrust.getAcceptedIssuers())).toArray(X509Certificate[]::new);
    }
  }
}
