package dev.lookalike.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Self-signed certificates for tests, made by the JDK's own keytool (the JDK has no API to sign
 * one), for localhost and 127.0.0.1, as a PKCS#12 keystore and as the PEM pair an operator has.
 */
public final class TestCertificates {

  public static final String PASSWORD = "test-keystore-password";

  /** The files of one self-signed identity. */
  public record Identity(Path keystore, Path certificatePem, Path keyPem) {

    public X509Certificate certificate() {
      try (InputStream in = Files.newInputStream(keystore)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, PASSWORD.toCharArray());
        return (X509Certificate) store.getCertificate("server");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A client trust manager that trusts this certificate alone, as a client given it would. */
    public X509TrustManager trustManager() {
      try {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("server", certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        return (X509TrustManager) factory.getTrustManagers()[0];
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A server's context with this key and certificate, e.g. for MockWebServer.useHttps. */
    public SSLContext serverSslContext() {
      try (InputStream in = Files.newInputStream(keystore)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, PASSWORD.toCharArray());
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A client's context that trusts this certificate alone. */
    public SSLContext sslContext() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
        return context;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private TestCertificates() {}

  /** An EC key (fast to make) and its certificate; {@code keyAlgorithm} "EC" or "RSA". */
  public static Identity selfSigned(Path dir, String name, String keyAlgorithm) {
    return selfSigned(dir, name, keyAlgorithm, "dns:localhost,ip:127.0.0.1");
  }

  /** The same, naming other hosts ({@code subjectAltNames} in keytool's form, e.g. "dns:a.example"). */
  public static Identity selfSigned(Path dir, String name, String keyAlgorithm, String subjectAltNames) {
    try {
      Path keystore = dir.resolve(name + ".p12");
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
          "-alias", "server", "-keyalg", keyAlgorithm, "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048",
          "-dname", "CN=" + name, "-ext", "SAN=" + subjectAltNames, "-validity", "2",
          "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
      Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, PASSWORD.toCharArray());
      }
      Path certificatePem = Files.writeString(dir.resolve(name + ".crt"), pem("CERTIFICATE", store.getCertificate("server").getEncoded()));
      Path keyPem = Files.writeString(dir.resolve(name + ".key"),
          pem("PRIVATE KEY", store.getKey("server", PASSWORD.toCharArray()).getEncoded()));
      return new Identity(keystore, certificatePem, keyPem);
    } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test certificate: " + e, e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
