package dev.lookalike.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.config.LookalikeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API's key and certificate, as operators have them, and what each mistake with them says. */
class TlsIdentityTest {

  @TempDir
  static Path dir;
  private static TestCertificates.Identity ec;
  private static TestCertificates.Identity rsa;

  @BeforeAll
  static void certificates() {
    ec = TestCertificates.selfSigned(dir, "ec-server", "EC");
    rsa = TestCertificates.selfSigned(dir, "rsa-server", "RSA");
  }

  @Test
  void aPemPairAndAKeystoreGiveTheSameIdentity() throws Exception {
    for (TestCertificates.Identity files : new TestCertificates.Identity[] {ec, rsa}) {
      TlsIdentity pem = TlsIdentity.fromPem(files.certificatePem(), files.keyPem());
      TlsIdentity keystore = TlsIdentity.fromKeystore(files.keystore(), TestCertificates.PASSWORD.toCharArray());
      assertThat(pem.chain()).containsExactly(files.certificate());
      assertThat(keystore.chain()).containsExactly(files.certificate());
      PrivateKey fromPem = (PrivateKey) pem.keyStore().getKey("lookalike", pem.keyPassword());
      assertThat(fromPem.getEncoded()).isEqualTo(keystore.keyStore().getKey("server", keystore.keyPassword()).getEncoded());
    }
  }

  @Test
  void theConfigPicksTheFormAndRefusesHalfAPair() {
    assertThat(TlsIdentity.from(LookalikeConfig.of(Map.of()))).isEmpty();
    assertThat(TlsIdentity.from(LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_TLS_KEYSTORE, ec.keystore().toString(),
        LookalikeConfig.HTTP_TLS_KEYSTORE_PASSWORD, TestCertificates.PASSWORD))).orElseThrow().chain()).containsExactly(ec.certificate());
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_TLS_CERTIFICATE, ec.certificatePem().toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.tls.certificate is set but http.tls.private.key is not: the two go together");
    assertThatThrownBy(() -> LookalikeConfig.of(Map.of(LookalikeConfig.HTTP_TLS_CERTIFICATE, ec.certificatePem().toString(),
        LookalikeConfig.HTTP_TLS_PRIVATE_KEY, ec.keyPem().toString(), LookalikeConfig.HTTP_TLS_KEYSTORE, ec.keystore().toString())))
        .hasMessageContaining("not both");
  }

  @Test
  void aKeyInAnotherFormSaysHowToConvertIt() throws Exception {
    Path pkcs1 = Files.writeString(dir.resolve("pkcs1.key"), TestCertificates.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> TlsIdentity.fromPem(rsa.certificatePem(), pkcs1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds a 'RSA PRIVATE KEY' block")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in pkcs1.key -out key8.pem");
    Path encrypted = Files.writeString(dir.resolve("encrypted.key"), TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] {1}));
    assertThatThrownBy(() -> TlsIdentity.fromPem(rsa.certificatePem(), encrypted)).hasMessageContaining("holds a 'ENCRYPTED PRIVATE KEY' block");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    TestCertificates.Identity other = TestCertificates.selfSigned(dir, "other-ec", "EC");
    assertThatThrownBy(() -> TlsIdentity.fromPem(ec.certificatePem(), other.keyPem()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not the key of the certificate CN=ec-server");
    // An RSA key for an EC certificate does not even parse as the certificate's algorithm.
    assertThatThrownBy(() -> TlsIdentity.fromPem(ec.certificatePem(), rsa.keyPem()))
        .hasMessageContaining("is not a EC private key");
  }

  @Test
  void missingFilesAndAWrongPasswordAreNamed() throws Exception {
    assertThatThrownBy(() -> TlsIdentity.fromPem(dir.resolve("nope.crt"), ec.keyPem()))
        .hasMessage("http.tls.certificate: no such file " + dir.resolve("nope.crt"));
    assertThatThrownBy(() -> TlsIdentity.fromKeystore(ec.keystore(), "wrong".toCharArray()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("http.tls.keystore: cannot open " + ec.keystore() + " as PKCS#12 with http.tls.keystore.password");
    Path notPem = Files.writeString(dir.resolve("garbage.crt"), "hello");
    assertThatThrownBy(() -> TlsIdentity.fromPem(notPem, ec.keyPem())).hasMessageContaining("garbage.crt");
    assertThatThrownBy(() -> TlsIdentity.fromPem(ec.keyPem(), ec.certificatePem()))
        .hasMessageEndingWith("holds a private key, not a certificate: are http.tls.certificate and http.tls.private.key swapped?");
    assertThatThrownBy(() -> TlsIdentity.fromPem(ec.certificatePem(), ec.certificatePem()))
        .hasMessageEndingWith("holds a certificate, not a private key: are http.tls.certificate and http.tls.private.key swapped?");
    Path noKey = Files.writeString(dir.resolve("nokey.pem"), "just text");
    assertThatThrownBy(() -> TlsIdentity.fromPem(ec.certificatePem(), noKey)).hasMessageContaining("holds no PEM private key");
  }
}
