package dev.lookalike.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Downloads one file over http(s), all or nothing. The bytes stream into a hidden temporary file
 * next to the target ({@code .NAME.RANDOM.part}) while being hashed; only a complete download
 * whose SHA-256 is the expected one is renamed into place, atomically since both are in the same
 * folder. Every other outcome deletes the temporary file, also when the JVM is stopped (Ctrl-C).
 */
final class ModelDownloader implements AutoCloseable {

  static final int MAX_REDIRECTS = 5;
  static final String TEMP_SUFFIX = ".part";
  private static final int BUFFER_BYTES = 64 * 1024;

  private final OkHttpClient http;
  private final Duration readTimeout;

  ModelDownloader(Duration connectTimeout, Duration readTimeout) {
    this.readTimeout = readTimeout;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        // Followed in fetch(), to cap them at MAX_REDIRECTS (OkHttp would follow 20).
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
  }

  /** What was downloaded: its size, its SHA-256 and where it finally came from after redirects. */
  record Downloaded(Path file, long bytes, String sha256, HttpUrl from) {}

  /** The download's SHA-256 was not the expected one; nothing was written. */
  static final class ChecksumMismatchException extends IOException {
    ChecksumMismatchException(String name, String expected, String actual) {
      super("checksum mismatch for %s, download discarded%n  expected sha256 %s%n  actual   sha256 %s"
          .formatted(name, expected, actual));
    }
  }

  /**
   * Downloads {@code url} to {@code target}, replacing an existing file only once the new one is
   * complete and verified.
   *
   * @param expectedSha256 lower-case hex, or null to accept any content
   * @param progress a progress display for the body's length in bytes (negative when not known)
   */
  Downloaded download(HttpUrl url, Path target, String expectedSha256, LongFunction<Progress> progress)
      throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + "."
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
    Thread cleanup = new Thread(() -> deleteQuietly(temp), "lookalike-download-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (Response response = fetch(url)) {
      ResponseBody body = response.body();
      HttpUrl from = response.request().url();
      long length = body.contentLength();
      MessageDigest digest = Sha256.digest();
      long bytes;
      try (Progress bar = progress.apply(length)) {
        bytes = copy(body.byteStream(), temp, digest, bar, from);
      }
      if (length >= 0 && bytes != length) {
        throw new IOException("download from " + from + " ended after " + bytes + " of " + length + " bytes");
      }
      String actual = Sha256.hex(digest);
      if (expectedSha256 != null && !expectedSha256.equals(actual)) {
        throw new ChecksumMismatchException(target.getFileName().toString(), expectedSha256, actual);
      }
      // Same folder, so a rename: readers see the old file or the new one, never half of it.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new Downloaded(target, bytes, actual, from);
    } finally {
      deleteQuietly(temp);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to; it deletes the same file.
      }
    }
  }

  /** Streams the body into a new file, hashing on the way; the file is on disk when this returns. */
  private long copy(InputStream in, Path temp, MessageDigest digest, Progress progress, HttpUrl from)
      throws IOException {
    long total = 0;
    byte[] buffer = new byte[BUFFER_BYTES];
    try (in; FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (SocketTimeoutException e) {
          throw new IOException("download from " + from + " stalled: no data for " + readTimeout.toSeconds()
              + " s after " + total + " bytes", e);
        } catch (IOException e) {
          throw new IOException("download from " + from + " broke off after " + total + " bytes", e);
        }
        if (n == -1) break;
        digest.update(buffer, 0, n);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) out.write(chunk);
        total += n;
        progress.stepBy(n);
      }
      out.force(true);
    }
    return total;
  }

  /** GETs {@code url}, following at most {@link #MAX_REDIRECTS} redirects; the answer is a 200. */
  private Response fetch(HttpUrl url) throws IOException {
    HttpUrl current = url;
    for (int redirects = 0; ; redirects++) {
      Response response = call(current);
      if (response.code() == 200) return response;
      try (response) {
        if (!response.isRedirect()) throw httpError(current, response);
        String location = response.header("Location");
        HttpUrl next = location == null ? null : current.resolve(location);
        if (next == null) {
          throw new IOException(current + " redirected (HTTP " + response.code() + ") to "
              + (location == null ? "nowhere (no Location header)" : "'" + location + "', not an http(s) URL"));
        }
        if (redirects == MAX_REDIRECTS) {
          throw new IOException("too many redirects: more than " + MAX_REDIRECTS + " from " + url + ", the last to " + next);
        }
        current = next;
      }
    }
  }

  private Response call(HttpUrl url) throws IOException {
    Request request = new Request.Builder().url(url).header("User-Agent", "lookalike-models").get().build();
    try {
      return http.newCall(request).execute();
    } catch (UnknownHostException e) {
      throw new IOException("cannot download " + url + ": unknown host " + url.host(), e);
    } catch (ConnectException e) {
      throw new IOException("cannot download " + url + ": cannot connect to " + url.host() + ":" + url.port(), e);
    } catch (SocketTimeoutException e) {
      throw new IOException("cannot download " + url + ": " + url.host() + " did not answer in time", e);
    } catch (SSLException e) {
      throw new IOException("cannot download " + url + ": TLS with " + url.host() + " failed", e);
    } catch (IOException e) {
      throw new IOException("cannot download " + url, e);
    }
  }

  private static IOException httpError(HttpUrl url, Response response) {
    int code = response.code();
    String status = "HTTP " + code + (response.message().isBlank() ? "" : " " + response.message());
    String hint;
    if (code == 404 || code == 410) hint = "nothing there; check the URL";
    else if (code == 401 || code == 403) hint = "access denied; the file may not be public";
    else if (code >= 500) hint = "the server failed; try again later";
    else hint = "expected 200 OK";
    return new IOException("cannot download " + url + ": " + status + " (" + hint + ")");
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Best effort: the name starts with a dot and ends with .part, so it is recognisable.
    }
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
