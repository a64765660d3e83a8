package dev.lookalike.server.tls;

import dev.lookalike.config.LookalikeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * The HTTP API's private key and certificate chain, from two PEM files (what cert-manager and
 * Let's Encrypt write) or a PKCS#12 keystore, checked at start: a key that is missing, encrypted,
 * in another form, or not the certificate's is a config error that says which and what to do, not
 * a server that fails its first handshake.
 */
public final class TlsIdentity {

  /** The in-memory keystore's password for the key; only this process sees the store. */
  private static final char[] MEMORY_PASSWORD = "lookalike".toCharArray();
  private static final String ALIAS = "lookalike";
  private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private final KeyStore keyStore;
  private final char[] keyPassword;
  private final List<X509Certificate> chain;

  private TlsIdentity(KeyStore keyStore, char[] keyPassword, List<X509Certificate> chain) {
    this.keyStore = keyStore;
    this.keyPassword = keyPassword;
    this.chain = chain;
  }

  /** The configured identity, or empty when the API serves plain HTTP. */
  public static Optional<TlsIdentity> from(LookalikeConfig config) {
    if (!config.httpTls()) return Optional.empty();
    if (!config.httpTlsKeystore().isEmpty()) {
      return Optional.of(fromKeystore(Path.of(config.httpTlsKeystore()), config.httpTlsKeystorePassword().toCharArray()));
    }
    return Optional.of(fromPem(Path.of(config.httpTlsCertificate()), Path.of(config.httpTlsPrivateKey())));
  }

  public static TlsIdentity fromPem(Path certificateFile, Path keyFile) {
    List<X509Certificate> chain = certificates(certificateFile);
    PrivateKey key = privateKey(keyFile, chain.get(0).getPublicKey().getAlgorithm());
    checkPair(key, chain.get(0), keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
      return new TlsIdentity(store, MEMORY_PASSWORD, chain);
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("cannot hold the key of " + keyFile + " in a keystore: " + e.getMessage());
    }
  }

  public static TlsIdentity fromKeystore(Path file, char[] password) {
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (NoSuchFileException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_KEYSTORE + ": no such file " + file);
    } catch (IOException e) {
      // PKCS#12's wrong password and wrong format both end here; the JDK's message tells which.
      throw new ConfigException(LookalikeConfig.HTTP_TLS_KEYSTORE + ": cannot open " + file + " as PKCS#12 with "
          + LookalikeConfig.HTTP_TLS_KEYSTORE_PASSWORD + ": " + rootMessage(e));
    } catch (GeneralSecurityException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_KEYSTORE + ": cannot read " + file + ": " + e.getMessage());
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) continue;
        List<X509Certificate> chain = Arrays.stream(store.getCertificateChain(alias)).map(X509Certificate.class::cast).toList();
        return new TlsIdentity(store, password, chain);
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_KEYSTORE + ": cannot read " + file + ": " + e.getMessage());
    }
    throw new ConfigException(LookalikeConfig.HTTP_TLS_KEYSTORE + ": " + file + " holds no private key with its certificate");
  }

  public KeyStore keyStore() {
    return keyStore;
  }

  public char[] keyPassword() {
    return keyPassword.clone();
  }

  /** The server's certificate first, then the ones that signed it, as configured. */
  public List<X509Certificate> chain() {
    return chain;
  }

  private static List<X509Certificate> certificates(Path file) {
    String text = new String(read(file, LookalikeConfig.HTTP_TLS_CERTIFICATE), StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN CERTIFICATE-----") && text.contains("PRIVATE KEY-----")) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_CERTIFICATE + ": " + file + " holds a private key, not a certificate: are "
          + LookalikeConfig.HTTP_TLS_CERTIFICATE + " and " + LookalikeConfig.HTTP_TLS_PRIVATE_KEY + " swapped?");
    }
    try {
      List<X509Certificate> chain = TrustedCertificates.readPem(file);
      if (chain.isEmpty()) throw new ConfigException(LookalikeConfig.HTTP_TLS_CERTIFICATE + ": " + file + " holds no certificate");
      return chain;
    } catch (NoSuchFileException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_CERTIFICATE + ": no such file " + file);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_CERTIFICATE + ": " + file + " is not a PEM certificate chain: "
          + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file, String algorithm) {
    String text = new String(read(file, LookalikeConfig.HTTP_TLS_PRIVATE_KEY), StandardCharsets.US_ASCII);
    Matcher block = PEM_BLOCK.matcher(text);
    boolean certificate = false;
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("PRIVATE KEY")) return pkcs8(file, block.group(2), algorithm);
      if (type.endsWith("PRIVATE KEY")) throw new ConfigException(LookalikeConfig.HTTP_TLS_PRIVATE_KEY + ": " + file + " holds a '"
          + type + "' block; the service reads unencrypted PKCS#8 (BEGIN PRIVATE KEY): convert it with "
          + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key8.pem, or use a PKCS#12 keystore");
      certificate |= type.equals("CERTIFICATE");
    }
    throw new ConfigException(LookalikeConfig.HTTP_TLS_PRIVATE_KEY + ": " + file + (certificate
        ? " holds a certificate, not a private key: are " + LookalikeConfig.HTTP_TLS_CERTIFICATE + " and "
            + LookalikeConfig.HTTP_TLS_PRIVATE_KEY + " swapped?"
        : " holds no PEM private key (BEGIN PRIVATE KEY)"));
  }

  private static PrivateKey pkcs8(Path file, String base64, String algorithm) {
    try {
      byte[] der = Base64.getMimeDecoder().decode(base64);
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_PRIVATE_KEY + ": " + file + " is not a " + algorithm
          + " private key, the algorithm of the certificate's key: " + e.getMessage());
    }
  }

  /** Signs with the key and verifies with the certificate: the one check that a key and a certificate belong together. */
  private static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448: the algorithm is its own signature
    };
    byte[] probe = "lookalike tls key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      if (verify.verify(signature)) return;
    } catch (GeneralSecurityException e) {
      throw new ConfigException(LookalikeConfig.HTTP_TLS_PRIVATE_KEY + ": cannot check " + keyFile + " against the certificate: "
          + e.getMessage());
    }
    throw new ConfigException(LookalikeConfig.HTTP_TLS_PRIVATE_KEY + ": " + keyFile + " is not the key of the certificate "
        + certificate.getSubjectX500Principal().getName());
  }

  private static byte[] read(Path file, String key) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key + ": no such file " + file);
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
