package dev.lookalike.server.tls;

import dev.lookalike.config.LookalikeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up a renewed certificate without a restart: every interval it reads the configured files
 * and, when their bytes changed, loads them with the same checks as at start. A pair that checks
 * out goes to {@code onRenewal}; one that does not (say, the new certificate written before its
 * key) is logged once and retried at the next reading, and the old one keeps being served.
 * Comparing bytes, not modification times, also sees Kubernetes' swap of a secret's symlinks.
 */
public final class CertificateReloader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

  private final LookalikeConfig config;
  private final List<Path> files;
  private final Consumer<TlsIdentity> onRenewal;
  private final ScheduledExecutorService timer;
  private final AtomicLong readings = new AtomicLong();
  private byte[] served;
  private byte[] refused;

  public CertificateReloader(LookalikeConfig config, Duration interval, Consumer<TlsIdentity> onRenewal) {
    this.config = config;
    this.files = config.httpTlsKeystore().isEmpty()
        ? List.of(Path.of(config.httpTlsCertificate()), Path.of(config.httpTlsPrivateKey()))
        : List.of(Path.of(config.httpTlsKeystore()));
    this.onRenewal = onRenewal;
    this.served = fingerprint();
    this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tls-reloader").factory());
    timer.scheduleWithFixedDelay(this::read, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many times the files were read: lets a test wait for a reading instead of sleeping. */
  public long readings() {
    return readings.get();
  }

  private void read() {
    try {
      byte[] now = fingerprint();
      if (now == null || Arrays.equals(now, served)) return;
      try {
        TlsIdentity renewed = TlsIdentity.from(config).orElseThrow();
        onRenewal.accept(renewed);
        served = now;
        refused = null;
        log.info("serving the renewed certificate {} (valid until {})", renewed.chain().get(0).getSubjectX500Principal().getName(),
            renewed.chain().get(0).getNotAfter().toInstant());
      } catch (ConfigException | IllegalStateException e) {
        if (!Arrays.equals(now, refused)) log.warn("the changed certificate files are not used, the old ones still are: {}", e.getMessage());
        refused = now;
      }
    } finally {
      readings.incrementAndGet();
    }
  }

  /** SHA-256 over the files' bytes; null while one cannot be read (mid-replacement). */
  private byte[] fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path file : files) digest.update(Files.readAllBytes(file));
      return digest.digest();
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
